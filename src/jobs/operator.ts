/**
 * Operator actions for recovery: stop, retry, restart. Each says
 * what changed — state before and after, the job ids it touched, the commits.
 */
import { failed, rejected, usageError } from '../core/errors.js';
import { TERMINAL } from '../core/lifecycle.js';
import type { JobOpResult } from '../ledger/ops/jobs.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { clock, code, F, idempotencyKey, latestAttempt } from './attempt.js';
import type { SuperviseContext } from './context.js';
import { launchAttempt, outputDirFor, preflightAttempt, readRunDoc, updateRequest, type Declared } from './launch.js';
import { commandHash, jobOfAttempt, loadPlan, notLocal, requestOf, savePlan, type LaunchPlan } from './plan.js';

export interface OperatorResult {
  id: string;
  action: 'stop' | 'retry' | 'restart';
  before: string;
  after: string;
  attempt: number;
  jobIds: string[];
  commits: string[];
  commit: string | null;
  message: string;
}

/** Stop the live job (SIGTERM, then SIGKILL after the grace) and record the run canceled. */
export async function stopRun(
  ctx: SuperviseContext,
  id: string,
  reason: string,
  opts: { graceMs?: number } = {},
): Promise<OperatorResult> {
  const doc = readRunDoc(ctx, id);
  const before = doc.view.state;
  if (TERMINAL.has(before))
    throw failed('RUN_ENDED', `${id} is already ${before}`, 'nothing to stop; `runlog retry` starts a new attempt');
  const a = latestAttempt(doc);
  if (!a?.idempotencyKey) {
    throw failed(
      'NOT_LAUNCHED',
      `${id} has no launched attempt to stop`,
      `record a cancel instead: runlog cancel ${id} --reason "<why>"`,
    );
  }
  const job = jobOfAttempt(ctx.state, a);
  if (job === 'foreign') throw notLocal(id, a);
  const handle = job === 'none' ? undefined : job;
  const start = ctx.commits.length;
  let evidence = 'no job was started for this attempt';
  if (handle) {
    const executor = await ctx.executor(handle.executor, a.cluster);
    const obs = await executor.cancel(handle, { graceMs: opts.graceMs ?? ctx.settings.killGraceMs });
    evidence = obs.evidence;
  }
  const c = await ctx.commit<JobOpResult>({
    kind: 'job-end',
    run: id,
    args: {
      run: id,
      key: a.idempotencyKey,
      at: ctx.now().toISOString(),
      state: 'canceled',
      failureClass: 'cancelled',
      reason: `stopped by operator: ${reason}`,
      metrics: {},
      fields: [[F.evidence, code(evidence)]],
    },
  });
  const after = 'state' in c.result ? c.result.state : readRunDoc(ctx, id).view.state;
  return {
    id,
    action: 'stop',
    before,
    after,
    attempt: a.attempt,
    jobIds: handle ? [handle.jobId] : [],
    commits: ctx.commits.slice(start),
    commit: c.commit,
    message: evidence,
  };
}

/**
 * A new attempt of an ended run. Preflight comes first: an attempt that
 * cannot pass it writes no Job block, only a Status entry with the reasons.
 * Then a `## Job (retry N)` block and the launch. The request is the
 * previous attempt's plan from this machine's local state (with `argv` when
 * given); `declared` replaces the recorded script or config (logged as a
 * Status entry). Without `argv`, that plan is reused only while the Job
 * block still records the command it launched; the command is never taken
 * from the block itself, which anyone who can push may have written.
 */
export async function retryRun(
  ctx: SuperviseContext,
  id: string,
  opts: {
    argv?: string[];
    declared?: Declared;
    action?: 'retry' | 'restart';
    priorJobIds?: string[];
    priorCommits?: string[];
    before?: string;
  } = {},
): Promise<OperatorResult> {
  let doc = readRunDoc(ctx, id);
  const before = opts.before ?? doc.view.state;
  const state = doc.view.state;
  if (!TERMINAL.has(state)) {
    throw failed(
      'RUN_ACTIVE',
      `${id} is ${state}; retry starts a new attempt of an ended run`,
      `use \`runlog restart ${id}\` to stop it and start again`,
    );
  }
  if (state === 'completed')
    throw failed(
      'RUN_COMPLETED',
      `${id} completed; a retry would run it again`,
      `train further with \`runlog resume ${id} --from <checkpoint>\`, or record a new run with \`runlog new\``,
    );
  const prev = latestAttempt(doc);
  const record = prev?.idempotencyKey ? loadPlan(ctx.state, prev.idempotencyKey) : undefined;
  const given = opts.argv && opts.argv.length > 0 ? opts.argv : undefined;
  if (given === undefined) {
    const why =
      record === undefined
        ? `this clone has no launch plan of ${id}'s last attempt${prev?.idempotencyKey ? ` (${prev.idempotencyKey})` : ''}: it was launched elsewhere, or never launched`
        : record.commandHash !== commandHash(prev?.fields['command'])
          ? `the command in ${id}'s Job block is not the one this clone launched for ${prev?.idempotencyKey} (the run log was edited since)`
          : undefined;
    if (why)
      throw usageError('RETRY_NEEDS_COMMAND', why, `give the command to run: runlog retry ${id} -- <command...>`);
  }
  const s = ctx.settings;
  const base: LaunchPlan = record
    ? requestOf(record)
    : {
        schema: 1,
        executor: prev?.executor ?? 'local',
        cluster: prev?.cluster,
        argv: given!,
        cwd: ctx.ledger.root,
        resources: {},
        allowDirty: false,
        timeoutMs: prev?.timeoutMs ?? s.timeoutMs,
        heartbeatMs: prev?.heartbeatMs ?? s.heartbeatMs,
        retries: prev?.retries ?? s.retries,
        stallAction: prev?.stallAction ?? s.stallAction,
      };
  const next: LaunchPlan = { ...base, argv: given ?? base.argv };
  const attempt = doc.view.attempt + 1;
  const start = ctx.commits.length;
  if (await updateRequest(ctx, doc, id, opts.declared)) doc = readRunDoc(ctx, id);
  const pre = await preflightAttempt(ctx, doc, id, next, attempt);
  if (!pre.ok) {
    const reasons = pre.reasons.map((r) => `[${r.rule}] ${r.message}`);
    await ctx.commit({
      kind: 'append',
      run: id,
      args: {
        run: id,
        message: `retry not launched, preflight refused it: ${reasons.join('; ')}`,
        metrics: {},
        at: ctx.now().toISOString(),
      },
    });
    throw rejected(
      'VALIDATION_FAILED',
      `${id} was not retried: ${reasons.join('; ')}`,
      'fix every reason listed (`--script` / `--config` change the recorded request; `runlog submit <run> --dry-run` checks without writing), then retry again',
      {
        id,
        reasons: pre.reasons,
        commit: ctx.commits.at(-1) ?? null,
      },
    );
  }
  const dir = outputDirFor(ctx, id, attempt, next);
  savePlan(ctx.state, idempotencyKey(id, attempt), next);
  const label = `retry ${doc.view.jobs.filter((j) => /^Job \(retry \d+\)/i.test(j.heading)).length + 1}`;
  await ctx.commit<EntryResult>({
    kind: 'resume',
    run: id,
    args: {
      run: id,
      at: ctx.now().toISOString(),
      label,
      fields: [
        [F.idempotencyKey, code(idempotencyKey(id, attempt))],
        ['scheduled_by', 'operator'],
        [F.executor, next.executor],
        [F.outputDir, code(dir)],
        [F.timeout, clock(next.timeoutMs)],
        [F.heartbeat, clock(next.heartbeatMs)],
        [F.retries, String(next.retries)],
        [F.stallAction, next.stallAction],
      ],
    },
  });
  const commits = [...(opts.priorCommits ?? []), ...ctx.commits.slice(start)];
  try {
    const out = await launchAttempt(ctx, id, next);
    return {
      id,
      action: opts.action ?? 'retry',
      before,
      after: out.state,
      attempt: out.attempt,
      jobIds: [...(opts.priorJobIds ?? []), ...(out.jobId ? [out.jobId] : [])],
      commits: [...commits, ...out.commits],
      commit: out.commits.at(-1) ?? null,
      message: `${label}: launched ${out.jobId ?? ''}`.trim(),
    };
  } catch (err) {
    if (err instanceof Error && 'details' in err) {
      const details = (err as { details?: Record<string, unknown> }).details;
      if (details) details['priorCommits'] = commits;
    }
    throw err;
  }
}

/** Stop the live attempt (when there is one), then retry. */
export async function restartRun(
  ctx: SuperviseContext,
  id: string,
  reason: string,
  opts: { argv?: string[]; declared?: Declared; graceMs?: number } = {},
): Promise<OperatorResult> {
  const doc = readRunDoc(ctx, id);
  const before = doc.view.state;
  let stopped: OperatorResult | undefined;
  if (!TERMINAL.has(before)) stopped = await stopRun(ctx, id, `restart: ${reason}`, opts);
  return retryRun(ctx, id, {
    argv: opts.argv,
    declared: opts.declared,
    action: 'restart',
    before,
    priorJobIds: stopped?.jobIds,
    priorCommits: stopped?.commits,
  });
}
