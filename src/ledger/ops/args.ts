/**
 * The arguments of every operation kind, as zod schemas: the door every
 * operation passes before it is applied, encoded in a commit trailer or
 * echoed in --json, whether a command just built it or a replay read it from
 * a commit another clone (or an earlier runlog) wrote.
 *
 * Each string field says what it is, and that decides how it is cleaned:
 * - line: shown on one line (status entries, Job fields): normalised, line
 *   breaks collapsed as the file will show them, then scrubbed;
 * - text: keeps its lines (a config snapshot file): normalised, then scrubbed;
 * - name: identifies something (run id, path, key, timestamp): never altered,
 *   refused if it holds a control character or something that looks like a secret.
 * So the trailer, the file, a replay and the --json echo carry the same text.
 *
 * Unknown keys are dropped; a missing or mistyped field is refused with
 * BAD_OPERATION (replay then parks the commit instead of applying it).
 */
// zod's v3 API, on append's path: see the note in markdown/frontmatter.ts (60 KB bundled against 454 KB).
import { z } from 'zod/v3';
import type { Scrubber } from '../../core/scrub/scrub.js';
import { failed, usageError } from '../../core/errors.js';
import { STATES, type RunState } from '../../core/lifecycle.js';
import type { Operation } from '../../core/operation.js';
import type {
  PassportRecordArgs,
  PruneRecordArgs,
  SealRecordArgs,
  SignoffRecordArgs,
  WandbRecordArgs,
} from './artifacts.js';
import type { JobRequeueArgs } from './job-requeue.js';
import type { JobEndArgs, JobIntentArgs, JobLaunchArgs, JobRejectArgs, JobUpdateArgs } from './jobs.js';
import type { PlotArgs } from './plot.js';
import type { HeroInitArgs, HeroLaunchArgs, HeroLinkArgs, LogbookEventArgs, MirrorPostedArgs } from './logbook.js';
import type { AppendArgs, CancelArgs, CompleteArgs, FailArgs, NewArgs, RequestArgs, ResumeArgs } from './record.js';
import type {
  BatchArgs,
  CampaignFetchArgs,
  CampaignHaltArgs,
  CampaignLaunchArgs,
  CampaignResumeArgs,
  CampaignSetArgs,
} from './campaign.js';

interface ArgsByKind {
  init: Record<string, never>;
  new: NewArgs;
  append: AppendArgs;
  complete: CompleteArgs;
  fail: FailArgs;
  cancel: CancelArgs;
  resume: ResumeArgs;
  request: RequestArgs;
  timeline: { group?: string };
  experiments: { group?: string };
  'ckpt-prune': PruneRecordArgs;
  'ckpt-passport': PassportRecordArgs;
  'ckpt-signoff': SignoffRecordArgs;
  seal: SealRecordArgs;
  wandb: WandbRecordArgs;
  'job-intent': JobIntentArgs;
  'job-launch': JobLaunchArgs;
  'job-reject': JobRejectArgs;
  'job-update': JobUpdateArgs;
  'job-end': JobEndArgs;
  'job-requeue': JobRequeueArgs;
  'hero-init': HeroInitArgs;
  'hero-event': LogbookEventArgs;
  'hero-launch': HeroLaunchArgs;
  'babysit-event': LogbookEventArgs;
  'mirror-posted': MirrorPostedArgs;
  'hero-link': HeroLinkArgs;
  plot: PlotArgs;
  'campaign-launch': CampaignLaunchArgs;
  'campaign-halt': CampaignHaltArgs;
  'campaign-resume': CampaignResumeArgs;
  'campaign-fetch': CampaignFetchArgs;
  'campaign-set': CampaignSetArgs;
  batch: BatchArgs;
}

export type OperationKind = keyof ArgsByKind;

type Schema<T> = z.ZodType<T, z.ZodTypeDef, unknown>;

const SECRET_IN_NAME = 'looks like a secret';

function fieldTypes(s: Scrubber) {
  const line = z.string().transform((v) => s.line(v));
  const text = z.string().transform((v) => s.text(v));
  const name = z.string().transform((v, ctx) => {
    const clean = s.text(v);
    if (clean === v && !/[\n\t]/.test(v)) return v;
    const message = clean.includes('[REDACTED:') ? SECRET_IN_NAME : 'holds a control character or a line break';
    ctx.addIssue({ code: z.ZodIssueCode.custom, message, fatal: true });
    return z.NEVER;
  });
  const int = z.number().int();
  const count = int.nonnegative();
  const state = z.enum(STATES as unknown as [RunState, ...RunState[]]);
  // NaN is a metric value people record (loss=nan); JSON writes it as null, so a replayed trailer brings null back.
  const metrics = z.record(z.string(), z.union([z.number(), z.nan(), z.null().transform(() => Number.NaN)]));
  const fields = z.array(z.tuple([name, line]));
  // Chart readings are numbers as compact text, checked where they are decoded (plot/codec.ts).
  const readings = z.unknown().optional();
  // A batch's operations pass the door one by one, as if each were committed alone.
  const operation = z
    .object({ kind: z.string(), run: z.string().optional(), args: z.record(z.string(), z.unknown()) })
    .transform((o, ctx) => {
      if (o.kind === 'batch') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a batch cannot hold another batch', fatal: true });
        return z.NEVER;
      }
      const { v: _v, ...ready } = prepareOperation({ v: 1, ...o }, s);
      return ready;
    });
  return { line, text, name, int, count, state, metrics, fields, readings, operation };
}

/** The frozen manifest of a campaign: names stay as they are, commands and free text are cleaned. */
function frozenManifest(t: Types) {
  const scalar = z.union([t.text, z.number(), z.boolean()]);
  const policy = {
    max_parallel: t.count,
    fail_fast: z.boolean(),
    retries: t.count,
    infra_retries: t.count,
    timeout: t.name,
    task_timeout: t.name,
    heartbeat: t.name,
    stall_action: z.enum(['retry', 'resume', 'fail']),
    backoff: t.name,
    backoff_max: t.name,
  };
  return z.object({
    schema: z.literal(1),
    name: t.name,
    executor: z.enum(['local', 'slurm', 'ssh']),
    cluster: t.name.optional(),
    host: t.name.optional(),
    type: z.enum(['experiment', 'replication', 'pipeline']),
    objective: t.line.optional(),
    resources: z.record(z.string(), scalar),
    policy: z.object(policy),
    artifacts: z.array(t.name),
    checkpoints: t.name,
    key_metric: t.name.optional(),
    wandb: z.object({ strict: z.boolean() }),
    entries: z.array(
      z.object({
        name: t.name,
        kind: z.enum(['run', 'task']),
        command: z.array(t.text).min(1),
        params: z.record(z.string(), t.name),
        policy: z.object(policy).partial().optional(),
        resources: z.record(z.string(), scalar).optional(),
      }),
    ),
  });
}

type Types = ReturnType<typeof fieldTypes>;

function entryArgs(t: Types) {
  return {
    at: t.name,
    seconds: z.boolean().optional(),
    title: t.line,
    fields: t.fields,
    eventId: t.name,
    mirror: z.enum(['pending', 'none']),
  };
}

function newArgs(t: Types): Schema<NewArgs> {
  return z.object({
    task: t.name,
    type: z.enum(['replication', 'experiment', 'pipeline']),
    subtype: t.line.optional(),
    objective: t.line,
    group: t.name.optional(),
    script: t.line.optional(),
    config: t.line.optional(),
    dataset: t.line.optional(),
    settings: z.array(t.line),
    date: t.name,
    at: t.name,
  });
}

const BUILDERS: { [K in OperationKind]: (t: Types) => Schema<ArgsByKind[K]> } = {
  init: () => z.object({}).transform(() => ({}) as Record<string, never>),
  new: newArgs,
  append: (t) =>
    z.object({
      run: t.name,
      message: t.line,
      state: t.state.optional(),
      step: t.count.optional(),
      metrics: t.metrics,
      at: t.name,
    }),
  complete: (t) =>
    z.object({
      run: t.name,
      exitCode: t.int.optional(),
      finalStep: t.count.optional(),
      metrics: t.metrics,
      checkpoint: t.line.optional(),
      checkpointUnder: t.line.optional(),
      startMetrics: t.metrics.optional(),
      summary: t.line.optional(),
      results: t.fields.optional(),
      at: t.name,
      readings: t.readings,
    }),
  fail: (t) => z.object({ run: t.name, failureClass: t.name, reason: t.line, at: t.name, state: t.state.optional() }),
  cancel: (t) => z.object({ run: t.name, reason: t.line, at: t.name }),
  request: (t) => z.object({ run: t.name, at: t.name, changes: z.array(z.tuple([t.name, t.line.optional(), t.line])) }),
  resume: (t) =>
    z.object({
      run: t.name,
      from: t.line.optional(),
      at: t.name,
      label: t.line.optional(),
      fields: t.fields.optional(),
      exhausted: z.boolean().optional(),
    }),
  timeline: (t) => z.object({ group: t.name.optional() }),
  experiments: (t) => z.object({ group: t.name.optional() }),
  'ckpt-prune': (t) =>
    z.object({
      run: t.name,
      at: t.name,
      root: t.line,
      removed: z.array(z.object({ path: t.line, step: t.count })),
      kept: z.array(z.object({ step: t.count, reasons: z.array(t.line) })),
    }),
  'ckpt-passport': (t) =>
    z.object({
      run: t.name,
      at: t.name,
      checkpoint: t.line,
      step: t.count.nullable(),
      sha256: t.name,
      weightFiles: t.count,
    }),
  'ckpt-signoff': (t) =>
    z.object({
      run: t.name,
      at: t.name,
      checkpoint: t.line,
      verdict: z.enum(['pass', 'soft_signal']),
      reason: t.line.nullable().optional(),
      sha256: t.name,
      by: t.line.optional(),
    }),
  seal: (t) =>
    z.object({
      run: t.name,
      at: t.name,
      tag: t.name,
      target: t.name,
      milestone: t.name.optional(),
      sealCommit: t.name.optional(),
    }),
  wandb: (t) =>
    z.object({ run: t.name, at: t.name, job: t.name.optional(), local: t.line.optional(), synced: z.array(t.line) }),
  'job-intent': (t) =>
    z.object({ run: t.name, key: t.name, attempt: t.count, at: t.name, fields: t.fields, ignore: t.name.optional() }),
  'job-launch': (t) =>
    z.object({
      run: t.name,
      key: t.name,
      at: t.name,
      state: z.enum(['running', 'queued']),
      fields: t.fields,
      message: t.line,
    }),
  'job-reject': (t) => z.object({ run: t.name, key: t.name, at: t.name, reasons: z.array(t.line), fields: t.fields }),
  'job-update': (t) =>
    z.object({
      run: t.name,
      key: t.name,
      at: t.name,
      state: t.state.optional(),
      step: t.count.optional(),
      metrics: t.metrics,
      message: t.line,
      fields: t.fields,
    }),
  'job-end': (t) =>
    z.object({
      run: t.name,
      key: t.name,
      at: t.name,
      state: z.enum(['completed', 'command_failed', 'canceled', 'timed_out', 'worker_lost', 'retry_exhausted']),
      failureClass: t.name.optional(),
      reason: t.line,
      step: t.count.optional(),
      metrics: t.metrics,
      fields: t.fields,
      retry: z.object({ key: t.name, label: t.line, notBefore: t.name, fields: t.fields }).optional(),
      readings: t.readings,
      results: t.fields.optional(),
      startMetrics: t.metrics.optional(),
      checkpoint: t.line.optional(),
      checkpointUnder: t.line.optional(),
    }),
  'job-requeue': (t) =>
    z.object({
      run: t.name,
      key: t.name,
      nextKey: t.name,
      at: t.name,
      restarts: t.count,
      failureClass: t.name,
      reason: t.line,
      endFields: t.fields,
      carryFields: t.fields,
      jobFields: t.fields,
      message: t.line,
    }),
  'hero-init': (t) =>
    z.object({
      slug: t.name,
      path: t.name,
      at: t.name,
      dri: t.line,
      goal: t.line,
      stopCriteria: t.line,
      finalStep: t.count,
      retention: t.line,
      outputRoot: t.line,
      wandb: t.line,
      cadence: t.line,
      issueUrl: t.line.nullable(),
      eventId: t.name,
      runLog: z.union([z.object({ create: newArgs(t) }), z.object({ link: t.name, path: t.name }), z.null()]),
    }),
  'hero-event': (t) => z.object({ slug: t.name, path: t.name, ...entryArgs(t) }),
  'babysit-event': (t) => z.object({ slug: t.name, path: t.name, ...entryArgs(t) }),
  'hero-launch': (t) =>
    z.object({
      slug: t.name,
      path: t.name,
      at: t.name,
      relaunch: z.boolean(),
      instance: z.object({ title: t.line, fields: t.fields }),
      entry: z.object(entryArgs(t)),
      files: z.array(z.object({ path: t.name, content: t.text })),
    }),
  plot: (t) => z.object({ run: t.name, readings: z.array(z.any()) }),
  'hero-link': (t) => z.object({ slug: t.name, path: t.name, issueUrl: t.line }),
  'mirror-posted': (t) =>
    z.object({
      slug: t.name,
      path: t.name,
      events: z.array(z.object({ eventId: t.name, state: z.literal('posted') })),
    }),
  'campaign-launch': (t) => z.object({ manifest: frozenManifest(t), date: t.name, at: t.name }),
  'campaign-halt': (t) => z.object({ campaign: t.name, reason: t.line, at: t.name, runs: z.array(t.name) }),
  'campaign-resume': (t) =>
    z.object({
      campaign: t.name,
      at: t.name,
      runs: z.array(z.object({ run: t.name, key: t.name, label: t.line, fields: t.fields })),
      acknowledge: z.array(t.name),
    }),
  'campaign-fetch': (t) =>
    z.object({
      campaign: t.name,
      at: t.name,
      syncedTo: t.line,
      rows: z.array(
        z.object({ id: t.name, attempt: t.count, present: t.count, verified: t.count, missing: z.array(t.line) }),
      ),
    }),
  'campaign-set': (t) => z.object({ campaign: t.name, maxParallel: t.count.min(1), at: t.name }),
  batch: (t) => z.object({ subject: t.line, ops: z.array(t.operation) }),
};

export const OPERATION_KINDS = Object.keys(BUILDERS) as OperationKind[];

const isKind = (kind: string): kind is OperationKind => Object.hasOwn(BUILDERS, kind);

/**
 * The operation as it may be applied and recorded: known kind, valid args,
 * every text normalised and scrubbed. Throws UNKNOWN_OPERATION or
 * BAD_OPERATION (naming the field, never its value).
 */
export function prepareOperation(op: Operation, scrubber: Scrubber): Operation {
  if (!op || typeof op !== 'object' || op.v !== 1 || typeof op.kind !== 'string') {
    throw failed(
      'BAD_OPERATION',
      'an operation record is not a version-1 runlog operation',
      'the commit was not written by this runlog; integrate it by hand',
    );
  }
  if (!isKind(op.kind)) {
    throw failed(
      'UNKNOWN_OPERATION',
      `this runlog does not know the operation "${op.kind}"`,
      'upgrade runlog: the commit was made by a newer version',
    );
  }
  const t = fieldTypes(scrubber);
  const parsed = BUILDERS[op.kind](t).safeParse(op.args);
  const run = op.run === undefined ? undefined : t.name.safeParse(op.run);
  if (!parsed.success || (run && !run.success)) {
    const issue = parsed.success
      ? { path: ['run'], message: run!.success ? '' : run!.error.issues[0]!.message }
      : parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : '(arguments)';
    const message = `operation "${op.kind}": ${where}: ${issue.message}`;
    const details = { kind: op.kind, field: where };
    // A person typed the name that was refused: that is a usage error; the rest are malformed records.
    if (issue.message === SECRET_IN_NAME)
      throw usageError(
        'SECRET_IN_NAME',
        message,
        'rename it: a run id, path, key or tag must be plain text; put secrets in the environment',
        details,
      );
    throw failed(
      'BAD_OPERATION',
      message,
      'a commit whose operation is malformed was not written by this runlog: it is not applied (a replay keeps it under refs/runlog/conflicts/)',
      { details },
    );
  }
  const out: Operation = { v: 1, kind: op.kind, args: parsed.data as Record<string, unknown> };
  if (op.run !== undefined) out.run = op.run;
  return out;
}
