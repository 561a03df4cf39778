/**
 * Launching an attempt: preflight, then record the intent (validating, with
 * provenance and the idempotency key), then submit, then record the launch.
 * A crash between intent and launch leaves a validating attempt whose key
 * the next pass submits again; executors adopt a job already launched under
 * that key, so an attempt never runs twice. Only this machine's own plan
 * is resumed that way, and only once its preflight passed here: a
 * validating run pushed by someone else is never launched without one.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, type Stats, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { readInside } from '../core/confined-fs.js';
import { failed, notFound, rejected, RunlogError, usageError } from '../core/errors.js';
import type { RunState } from '../core/lifecycle.js';
import type { Operation } from '../core/operation.js';
import { entryOutputDir } from '../campaigns/paths.js';
import type { Executor, JobHandle, JobSpec } from '../executors/types.js';
import { clusterProfile, resourceRequest, type ResourceFlags } from '../executors/registry.js';
import type { JobField, JobOpResult } from '../ledger/ops/jobs.js';
import { RunLogDoc } from '../markdown/runlog.js';
import {
  ledgerExcludes,
  runPreflight,
  snapshotConfig,
  type PreflightMemo,
  type PreflightReason,
} from '../preflight/index.js';
import { humanDate, isoSeconds } from '../core/time.js';
import { code, F, idempotencyKey, latestAttempt } from './attempt.js';
import type { SuperviseContext } from './context.js';
import { argvForScript, commandHash, loadPlan, saveLaunch, savePlan, type LaunchPlan } from './plan.js';
import { envField, planFields, runtimeVersions } from './provenance.js';
import { attemptDir, type StallAction } from '../config/jobs.js';

export interface LaunchOutcome {
  id: string;
  attempt: number;
  key: string;
  previousState: string;
  state: string;
  executor: string;
  outputDir: string;
  jobId?: string;
  outputLog?: string;
  host?: string;
  pid?: string;
  reasons?: PreflightReason[];
  commits: string[];
}

export function readRunDoc(ctx: SuperviseContext, runId: string): RunLogDoc {
  const rel = `${ctx.ledger.config.runs_dir}/${runId}.md`;
  const text = readInside(ctx.ledger.root, rel);
  if (text === null)
    throw notFound('RUN_NOT_FOUND', `no run log at ${rel}`, 'see `runlog list` for the runs in this ledger');
  return new RunLogDoc(text, rel);
}

/**
 * An attempt's output directory is new, reached through real folders below
 * the output root: a directory that git filled (a committed output.log that
 * links to a private file) must never receive a job's output. One that this
 * machine already wrote after its own preflight is fine.
 */
function outputDirReason(ctx: SuperviseContext, key: string, outputDir: string): PreflightReason | undefined {
  const rel = relative(ctx.settings.outputRoot, outputDir);
  let dir = ctx.settings.outputRoot;
  for (const part of rel.split(sep)) {
    dir = join(dir, part);
    let st: Stats;
    try {
      st = lstatSync(dir);
    } catch {
      return undefined;
    }
    if (st.isSymbolicLink())
      return {
        rule: 'target',
        message: `${dir} is a symbolic link; an attempt's output directory must be a real, new directory`,
      };
  }
  const entries = readdirSync(outputDir);
  if (entries.length > 0 && loadPlan(ctx.state, key)?.preflightPassedAt === undefined) {
    return {
      rule: 'target',
      message: `output directory ${outputDir} already exists and holds files this machine did not write (${entries.slice(0, 3).join(', ')}); an attempt needs a new one`,
    };
  }
  return undefined;
}

/**
 * After the intent is committed: what the Job block now says was launched.
 * A retry without a command reuses this machine's plan only while the block
 * still says so.
 */
export function noteRecordedCommand(ctx: SuperviseContext, runId: string, key: string): void {
  const plan = loadPlan(ctx.state, key);
  if (plan)
    savePlan(ctx.state, key, {
      ...plan,
      commandHash: commandHash(latestAttempt(readRunDoc(ctx, runId))?.fields['command']),
    });
}

/**
 * What the job knows about itself, and the checkpoint it starts from
 * (absolute): RUNLOG_INIT_FROM for any attempt that starts from one, and
 * RUNLOG_RESUME_FROM too, which a resume after a stall has always set.
 */
/** The job an attempt submits: the plan's command and resources, in the attempt's own output directory. */
function jobSpecFor(ctx: SuperviseContext, runId: string, attempt: number, plan: LaunchPlan): JobSpec {
  const outputDir = outputDirFor(ctx, runId, attempt, plan);
  return {
    runId,
    attempt,
    idempotencyKey: idempotencyKey(runId, attempt),
    argv: plan.argv,
    cwd: plan.cwd,
    outputDir,
    env: jobEnv({ runId, attempt, outputDir }, plan),
    resources: resourceRequest(plan.resources as ResourceFlags),
    host: plan.host,
    placement: plan.placement,
  };
}

function jobEnv(spec: Pick<JobSpec, 'runId' | 'attempt' | 'outputDir'>, plan: LaunchPlan): Record<string, string> {
  const env: Record<string, string> = {
    RUNLOG_RUN_ID: spec.runId,
    RUNLOG_ATTEMPT: String(spec.attempt),
    RUNLOG_OUTPUT_DIR: spec.outputDir,
  };
  const init = plan.initFrom ? (isAbsolute(plan.initFrom) ? plan.initFrom : join(plan.cwd, plan.initFrom)) : undefined;
  if (init) Object.assign(env, { RUNLOG_INIT_FROM: init, RUNLOG_RESUME_FROM: init });
  if (plan.campaign)
    Object.assign(env, { RUNLOG_CAMPAIGN: plan.campaign.id, RUNLOG_CAMPAIGN_ENTRY: plan.campaign.entry });
  return env;
}

/** Where an attempt's dirs live: the plan's pinned root (a hero run's), else jobs.output_root. */
export const outputRootOf = (ctx: SuperviseContext, plan: Pick<LaunchPlan, 'outputRoot'>) =>
  plan.outputRoot ?? ctx.settings.outputRoot;

/** The output root relative to the ledger, when it lives inside it (then .gitignore must list it). */
function ignoredRoot(ctx: SuperviseContext, root: string): string | undefined {
  const rel = relative(ctx.ledger.root, root);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? undefined : rel.split(sep).join('/');
}

function launchFields(handle: JobHandle, at: Date, running: boolean): JobField[] {
  const { outputDir: _outputDir, ...extra } = handle.extra ?? {};
  const fields: JobField[] = [
    [F.executionId, code(handle.jobId)],
    [F.outputLog, code(handle.outputPath)],
    [F.handle, code(JSON.stringify(extra))],
  ];
  if (handle.host) fields.push([F.worker, code(handle.host)]);
  if (extra['partition']) fields.push(['partition', code(extra['partition'])]);
  if (extra['pid']) fields.push([F.pid, extra['pid']]);
  // Remote workers: where the attempt lives there, the boot it started in, and what preflight found.
  if (extra['workdir']) fields.push(['workdir', code(extra['workdir'])]);
  if (extra['boot_id']) fields.push(['boot_id', code(extra['boot_id'])]);
  if (extra['probed']) fields.push(['probed', code(extra['probed'])]);
  if (running) fields.push([F.start, code(isoSeconds(at))], [F.startHuman, code(humanDate(at))]);
  return fields;
}

function rejection(outcome: LaunchOutcome): RunlogError {
  const reasons = outcome.reasons ?? [];
  return rejected(
    'VALIDATION_FAILED',
    `${outcome.id} was not launched: ${reasons.map((r) => `[${r.rule}] ${r.message}`).join('; ')}`,
    'fix every reason listed, then start a new attempt with `runlog retry <run>` (the rejection is recorded as validation_failed)',
    { id: outcome.id, reasons, commit: outcome.commits.at(-1) ?? null },
  );
}

/** An attempt ready to submit (or refused by preflight), with the operation that records it. */
export interface PreparedAttempt {
  runId: string;
  attempt: number;
  key: string;
  from: RunState;
  plan: LaunchPlan;
  spec: JobSpec;
  adopting: boolean;
  /** job-intent, or job-reject with every preflight reason; none when adopting a cut-off launch. */
  op?: Omit<Operation, 'v'>;
  rejected?: PreflightReason[];
}

export type { PreflightMemo } from '../preflight/index.js';
export { newPreflightMemo } from '../preflight/index.js';

/** Where an attempt's outputs go: a campaign entry's own tree, else the run's (under its pinned root, if any). */
export function outputDirFor(ctx: SuperviseContext, runId: string, attempt: number, plan: LaunchPlan): string {
  return plan.campaign
    ? entryOutputDir(ctx.settings.outputRoot, plan.campaign.id, plan.campaign.entry, attempt)
    : attemptDir(outputRootOf(ctx, plan), runId, attempt);
}

/** A request's Config values that replace the recorded ones for this check (`--script`, `--config`). */
export interface Declared {
  script?: string;
  config?: string;
}

export interface PreflightCheck {
  ok: boolean;
  reasons: PreflightReason[];
  spec: JobSpec;
  executor: Executor;
  pre: Awaited<ReturnType<typeof runPreflight>>;
}

/**
 * Every check that can refuse an attempt, writing nothing: the first step of
 * every launch, all of `submit --dry-run`, and what a retry runs before it
 * opens a Job block.
 */
export async function preflightAttempt(
  ctx: SuperviseContext,
  doc: RunLogDoc,
  runId: string,
  plan: LaunchPlan,
  attempt: number,
  opts: { declared?: Declared; memo?: PreflightMemo } = {},
): Promise<PreflightCheck> {
  const executor = await ctx.executor(plan.executor, plan.cluster);
  const spec = jobSpecFor(ctx, runId, attempt, plan);
  const pre = await runPreflight({
    spec,
    executor,
    target: plan.executor === 'local' ? hostname() : (plan.host ?? plan.cluster ?? plan.executor),
    runType: doc.view.runType,
    subtype: doc.view.subtype,
    declaredScript: opts.declared?.script ?? doc.view.config['script'],
    configPath: opts.declared?.config ?? doc.view.config['config'],
    initFrom: plan.initFrom,
    allowDirty: plan.allowDirty,
    overridePolicy: plan.overridePolicy,
    policy: ctx.policy,
    dirtyExcludes: dirtyExcludes(ctx, plan.cwd),
    memo: opts.memo,
  });
  const dirReason = pre.ok ? outputDirReason(ctx, idempotencyKey(runId, attempt), spec.outputDir) : undefined;
  if (dirReason) {
    pre.reasons.push(dirReason);
    pre.ok = false;
  }
  return { ok: pre.ok, reasons: pre.reasons, spec, executor, pre };
}

/**
 * Everything up to the submit: the attempt and its key, the job spec, and
 * preflight's verdict as an operation to commit. A validating attempt whose
 * job was never recorded is adopted: no preflight, no new intent.
 */
export async function prepareAttempt(
  ctx: SuperviseContext,
  runId: string,
  plan: LaunchPlan,
  opts: { memo?: PreflightMemo } = {},
): Promise<PreparedAttempt> {
  const doc = readRunDoc(ctx, runId);
  const from = doc.view.state;
  const latest = latestAttempt(doc);
  const attempt = latest?.idempotencyKey ? latest.attempt : doc.view.attempt;
  const key = idempotencyKey(runId, attempt);
  if (latest?.idempotencyKey !== undefined && latest.idempotencyKey !== key) {
    throw failed(
      'ATTEMPT_MISMATCH',
      `${runId}'s latest Job block is attempt ${latest.idempotencyKey}, not ${key}`,
      'fix the Job block by hand or start a new attempt with `runlog retry`',
    );
  }
  const adopting = from === 'validating' && latest?.jobId === undefined;
  if (adopting && loadPlan(ctx.state, key)?.preflightPassedAt === undefined) {
    throw failed(
      'JOB_NOT_LOCAL',
      `${runId} is validating attempt ${key}, but its preflight did not pass on this machine`,
      `it is being launched elsewhere; if it is not, start a new attempt here: runlog retry ${runId} -- <command...>`,
    );
  }
  if (from !== 'pending' && !adopting) {
    throw failed(
      'RUN_NOT_PENDING',
      `${runId} is ${from}; only a pending attempt can be launched`,
      `see \`runlog show ${runId}\`; use \`runlog retry\` or \`runlog restart\` for a new attempt`,
    );
  }
  const checked = adopting ? null : await preflightAttempt(ctx, doc, runId, plan, attempt, { memo: opts.memo });
  const spec: JobSpec = checked?.spec ?? jobSpecFor(ctx, runId, attempt, plan);
  const { outputDir } = spec;
  const base = { runId, attempt, key, from, plan, spec, adopting };
  if (!checked) return base;

  const pre = checked.pre;
  if (pre.ok) {
    try {
      savePlan(ctx.state, key, { ...plan, preflightPassedAt: ctx.now().toISOString() });
      mkdirSync(outputDir, { recursive: true });
      if (pre.configAbs) pre.facts.configSnapshot = snapshotConfig(pre.configAbs, outputDir);
      if (pre.patch !== '') {
        pre.facts.patchPath = join(outputDir, 'dirty.patch');
        writeFileSync(pre.facts.patchPath, pre.patch, { mode: 0o600 });
      }
      if (spec.source)
        spec.source = { ...spec.source, patchPath: pre.facts.patchPath, configSnapshot: pre.facts.configSnapshot };
    } catch (err) {
      pre.reasons.push({
        rule: 'target',
        message: `output directory ${outputDir} cannot be written: ${(err as Error).message}`,
      });
      pre.ok = false;
    }
  }
  const at = ctx.now();
  const fields = planFields(plan, pre.facts, {
    attempt,
    outputDir,
    outputRoot: plan.outputRoot,
    dataset: doc.view.config['dataset'],
    versions: await runtimeVersions(plan.argv, plan.cwd, opts.memo?.versions),
    env: envField({ ...process.env, ...spec.env }, ctx.settings.envAllow),
    at,
  });
  if (!pre.ok) {
    const reasons = pre.reasons.map((r) => `[${r.rule}] ${r.message}`);
    return {
      ...base,
      rejected: pre.reasons,
      op: { kind: 'job-reject', run: runId, args: { run: runId, key, at: at.toISOString(), reasons, fields } },
    };
  }
  return {
    ...base,
    op: {
      kind: 'job-intent',
      run: runId,
      args: {
        run: runId,
        key,
        attempt,
        at: at.toISOString(),
        fields,
        ignore: ignoredRoot(ctx, outputRootOf(ctx, plan)),
      },
    },
  };
}

/** The executor refused the job at submit: recorded as a rejection. */
export function refusedOp(p: PreparedAttempt, message: string, at: Date): Omit<Operation, 'v'> {
  return {
    kind: 'job-reject',
    run: p.runId,
    args: {
      run: p.runId,
      key: p.key,
      at: at.toISOString(),
      reasons: [`[target] the executor refused the job: ${message}`],
      fields: [],
    },
  };
}

/** The executor accepted the job: running (local, SSH) or queued (Slurm). */
export function launchOp(p: PreparedAttempt, handle: JobHandle, at: Date): Omit<Operation, 'v'> {
  // Local and SSH jobs have started once submit returns (it waits for the pid); Slurm's may still queue.
  const running = p.plan.executor === 'local' || p.plan.executor === 'ssh';
  const where = handle.host ? ` on ${handle.host}` : '';
  const pid = handle.extra?.['pid'];
  return {
    kind: 'job-launch',
    run: p.runId,
    args: {
      run: p.runId,
      key: p.key,
      at: at.toISOString(),
      state: running ? 'running' : 'queued',
      fields: launchFields(handle, at, running),
      message: `${p.adopting ? 'adopted' : 'launched'} ${p.plan.executor} job ${handle.jobId}${where}${pid ? ` (pid ${pid})` : ''}; output ${handle.outputPath}`,
    },
  };
}

export async function launchAttempt(ctx: SuperviseContext, runId: string, plan: LaunchPlan): Promise<LaunchOutcome> {
  const p = await prepareAttempt(ctx, runId, plan);
  const outcome: LaunchOutcome = {
    id: runId,
    attempt: p.attempt,
    key: p.key,
    previousState: p.from,
    state: p.from,
    executor: plan.executor,
    outputDir: p.spec.outputDir,
    commits: [],
  };
  if (p.op) {
    const c = await ctx.commit<JobOpResult>(p.op);
    if (c.commit) outcome.commits.push(c.commit);
    if (p.rejected) throw rejection({ ...outcome, state: 'validation_failed', reasons: p.rejected });
    noteRecordedCommand(ctx, runId, p.key);
  }
  const executor = await ctx.executor(plan.executor, plan.cluster);
  let handle: JobHandle;
  try {
    handle = await executor.submit(p.spec);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const c = await ctx.commit<JobOpResult>(refusedOp(p, message, ctx.now()));
    if (c.commit) outcome.commits.push(c.commit);
    if (err instanceof RunlogError && err.kind === 'rejected')
      throw rejection({ ...outcome, reasons: [{ rule: 'target', message }] });
    throw err;
  }
  saveLaunch(ctx.state, p.key, handle);
  const op = launchOp(p, handle, ctx.now());
  const c = await ctx.commit<JobOpResult>(op);
  if (c.commit) outcome.commits.push(c.commit);
  return {
    ...outcome,
    state: String(op.args['state']),
    jobId: handle.jobId,
    outputLog: handle.outputPath,
    host: handle.host,
    pid: handle.extra?.['pid'],
  };
}

function dirtyExcludes(ctx: SuperviseContext, cwd: string): string[] {
  const top = ctx.ledger.gitTop;
  return existsSync(cwd) ? ledgerExcludes(ctx.ledger.root, top, ctx.ledger.config.runs_dir) : [];
}

export interface SubmitRequest {
  run: string;
  argv?: string[];
  cwd: string;
  executor: string;
  cluster?: string;
  timeoutMs?: number;
  heartbeatMs?: number;
  retries?: number;
  stallAction?: StallAction;
  initFrom?: string;
  allowDirty: boolean;
  overridePolicy?: string;
  image?: string;
  resources: ResourceFlags;
  /** SSH: a `hosts:` profile or an ssh destination; without it, placement across the profiles. */
  host?: string;
  /** SSH placement: tags the host must declare. */
  tags?: string[];
  /** A pinned root for the attempt dirs (a hero run's), instead of jobs.output_root. */
  outputRoot?: string;
  /** New values for the recorded request (Config `script` / `config`), logged as a Status entry. */
  declared?: Declared;
}

/** What `submit --dry-run` found: the attempt it would launch and every reason it would be refused. */
export interface DryRunOutcome {
  id: string;
  attempt: number;
  executor: string;
  outputDir: string;
  argv: string[];
  ok: boolean;
  reasons: PreflightReason[];
}

const INIT_FROM = '{init_from}';

/** The checkpoint a pending attempt starts from: `--init-from`, else the one its `## Job (resumed)` block names. */
function initFromFor(doc: RunLogDoc, req: SubmitRequest): string | undefined {
  const resumed = doc.view.state === 'pending' ? latestAttempt(doc)?.fields['resumed from'] : undefined;
  return req.initFrom ?? (resumed ? resumed.replace(/`/g, '').trim() : undefined);
}

/**
 * The host an SSH run goes to, pinned in the plan like a cluster profile so
 * a retry lands on the same machine: the one `--host` names, or the profile
 * placement picks (with the reasons, or why none fits).
 */
async function sshTarget(
  ctx: SuperviseContext,
  req: SubmitRequest,
): Promise<Pick<LaunchPlan, 'host' | 'placement' | 'tags'>> {
  const tags = req.tags && req.tags.length > 0 ? req.tags : undefined;
  const { hostFor, hostProfiles } = await import('../config/hosts.js');
  if (req.host !== undefined) {
    const p = hostFor(ctx.ledger.config, req.host);
    const how =
      p.destination === req.host && !hostProfiles(ctx.ledger.config).some((h) => h.name === req.host)
        ? 'ssh destination'
        : `hosts profile (ssh ${p.destination})`;
    return { host: req.host, placement: `--host ${req.host}: ${how}`, tags };
  }
  const { placeRun } = await import('../executors/ssh/index.js');
  const r = req.resources;
  const out = placeRun(hostProfiles(ctx.ledger.config), {
    gpus: r.gpus,
    cpus: r.cpus,
    memMb: r.memMb,
    tags: tags ?? [],
    scarceGpus: ctx.policy.scarce.gpus ?? 1,
    overridePolicy: req.overridePolicy,
  });
  return { host: out.host?.name, placement: out.record, tags };
}

export async function submitRun(ctx: SuperviseContext, req: SubmitRequest): Promise<LaunchOutcome> {
  const doc = readRunDoc(ctx, req.run);
  const latest = latestAttempt(doc);
  if (doc.view.state !== 'pending' || latest?.idempotencyKey !== undefined) {
    throw failed(
      'ALREADY_SUBMITTED',
      `${req.run} is ${doc.view.state}${latest?.idempotencyKey ? ` (attempt ${latest.idempotencyKey} was already submitted)` : ''}`,
      `a run is submitted once; start a new attempt with \`runlog retry ${req.run}\` (or \`runlog restart ${req.run}\` if it is still running)`,
    );
  }
  const plan = await planFor(ctx, doc, req);
  await updateRequest(ctx, doc, req.run, req.declared);
  return launchAttempt(ctx, req.run, plan);
}

/** `submit --dry-run`: preflight of the attempt submit would launch; nothing is written, whatever the answer. */
export async function dryRunSubmit(ctx: SuperviseContext, req: SubmitRequest): Promise<DryRunOutcome> {
  const doc = readRunDoc(ctx, req.run);
  const plan = await planFor(ctx, doc, req);
  const attempt = doc.view.state === 'pending' ? doc.view.attempt : doc.view.attempt + 1;
  const c = await preflightAttempt(ctx, doc, req.run, plan, attempt, { declared: req.declared });
  return {
    id: req.run,
    attempt,
    executor: plan.executor,
    outputDir: c.spec.outputDir,
    argv: plan.argv,
    ok: c.ok,
    reasons: c.reasons,
  };
}

async function planFor(ctx: SuperviseContext, doc: RunLogDoc, req: SubmitRequest): Promise<LaunchPlan> {
  const s = ctx.settings;
  const initFrom = initFromFor(doc, req);
  const argv =
    req.argv && req.argv.length > 0
      ? req.argv
      : argvForScript(req.declared?.script ?? doc.view.config['script'], req.run);
  if (argv.some((a) => a.includes(INIT_FROM)) && !initFrom) {
    throw usageError(
      'MISSING_FLAG',
      `the command says ${INIT_FROM} but ${req.run} names no checkpoint to start from`,
      `resume from one first (\`runlog resume ${req.run} --from <checkpoint>\`) or pass --init-from <checkpoint>`,
    );
  }
  return {
    schema: 1,
    executor: req.executor,
    // The profile is pinned at submit: a later change of default_cluster must not move a live job.
    cluster: req.executor === 'slurm' ? clusterProfile(ctx.ledger.config, req.cluster).name : req.cluster,
    ...(req.executor === 'ssh' ? await sshTarget(ctx, req) : {}),
    // The job gets the checkpoint where its command asks for it (absolute), as well as in RUNLOG_INIT_FROM.
    argv: initFrom
      ? argv.map((a) => a.split(INIT_FROM).join(isAbsolute(initFrom) ? initFrom : join(req.cwd, initFrom)))
      : argv,
    cwd: req.cwd,
    ...(req.outputRoot ? { outputRoot: req.outputRoot } : {}),
    resources: Object.fromEntries(
      Object.entries(req.resources).filter(([, v]) => v !== undefined),
    ) as LaunchPlan['resources'],
    initFrom,
    allowDirty: req.allowDirty,
    overridePolicy: req.overridePolicy,
    image: req.image,
    timeoutMs: req.timeoutMs ?? s.timeoutMs,
    heartbeatMs: req.heartbeatMs ?? s.heartbeatMs,
    retries: req.retries ?? s.retries,
    stallAction: req.stallAction ?? s.stallAction,
  };
}

/** `--script` / `--config` that differ from the recorded request replace it, with a Status entry saying so. */
export async function updateRequest(
  ctx: SuperviseContext,
  doc: RunLogDoc,
  runId: string,
  declared: Declared | undefined,
): Promise<boolean> {
  const changes: [string, string | undefined, string][] = [];
  for (const key of ['script', 'config'] as const) {
    const value = declared?.[key];
    const before = doc.view.config[key];
    if (value !== undefined && value !== before) changes.push([key, before, value]);
  }
  if (changes.length === 0) return false;
  await ctx.commit({ kind: 'request', run: runId, args: { run: runId, at: ctx.now().toISOString(), changes } });
  return true;
}
