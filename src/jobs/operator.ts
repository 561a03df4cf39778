/**
 * Operator actions for recovery: stop, retry, restart. Each says
 * what changed — state before and after, the job ids it touched, the commits.
 */
import { attemptDir } from '../config/jobs.js';
import { failed } from '../core/errors.js';
import { TERMINAL } from '../core/lifecycle.js';
import type { JobOpResult } from '../ledger/ops/jobs.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { clock, code, F, handleOf, idempotencyKey, latestAttempt } from './attempt.js';
import type { SuperviseContext } from './context.js';
import { launchAttempt, readRunDoc } from './launch.js';
import { loadPlan, savePlan, type LaunchPlan } from './plan.js';

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
export async function stopRun(ctx: SuperviseContext, id: string, reason: string, opts: { graceMs?: number } = {}): Promise<OperatorResult> {
  const doc = readRunDoc(ctx, id);
  const before = doc.view.state;
  if (TERMINAL.has(before)) throw failed('RUN_ENDED', `${id} is already ${before}`, 'nothing to stop; `runlog retry` starts a new attempt');
  const a = latestAttempt(doc);
  if (!a?.idempotencyKey) {
    throw failed('NOT_LAUNCHED', `${id} has no launched attempt to stop`, `record a cancel instead: runlog cancel ${id} --reason "<why>"`);
  }
  const start = ctx.commits.length;
  const handle = handleOf(a);
  let evidence = 'no job was started for this attempt';
  if (handle) {
    const executor = await ctx.executor(handle.executor, a.cluster);
    const obs = await executor.cancel(handle, { graceMs: opts.graceMs ?? ctx.settings.killGraceMs });
    evidence = obs.evidence;
  }
  const c = await ctx.commit<JobOpResult>({
    kind: 'job-end',
    run: id,
    args: { run: id, key: a.idempotencyKey, at: ctx.now().toISOString(), state: 'canceled', failureClass: 'cancelled', reason: `stopped by operator: ${reason}`, metrics: {}, fields: [[F.evidence, code(evidence)]] },
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
 * A new attempt of an ended run: a `## Job (retry N)` block, then the launch
 * (with preflight) right away. The request is the previous attempt's plan,
 * or `argv` when given.
 */
export async function retryRun(ctx: SuperviseContext, id: string, opts: { argv?: string[]; action?: 'retry' | 'restart'; priorJobIds?: string[]; priorCommits?: string[]; before?: string } = {}): Promise<OperatorResult> {
  const doc = readRunDoc(ctx, id);
  const before = opts.before ?? doc.view.state;
  const state = doc.view.state;
  if (!TERMINAL.has(state)) {
    throw failed('RUN_ACTIVE', `${id} is ${state}; retry starts a new attempt of an ended run`, `use \`runlog restart ${id}\` to stop it and start again`);
  }
  if (state === 'completed') throw failed('RUN_COMPLETED', `${id} completed; a retry would run it again`, 'record a new run with `runlog new` to run the same config again');
  const prev = latestAttempt(doc);
  const plan: LaunchPlan | undefined = prev?.outputDir ? loadPlan(prev.outputDir) : undefined;
  const argv = opts.argv && opts.argv.length > 0 ? opts.argv : plan?.argv ?? commandFromBlock(prev?.fields['command']);
  if (!argv) throw failed('NO_COMMAND', `no launch plan or command recorded for ${id}'s last attempt`, `give the command: runlog retry ${id} -- <command...>`);
  const s = ctx.settings;
  const next: LaunchPlan = plan
    ? { ...plan, argv }
    : { schema: 1, executor: prev?.executor ?? 'local', argv, cwd: prev?.fields['cwd'] ?? ctx.ledger.root, resources: {}, allowDirty: false, timeoutMs: prev?.timeoutMs ?? s.timeoutMs, heartbeatMs: prev?.heartbeatMs ?? s.heartbeatMs, retries: prev?.retries ?? s.retries, stallAction: prev?.stallAction ?? s.stallAction };
  const attempt = doc.view.attempt + 1;
  const dir = attemptDir(s.outputRoot, id, attempt);
  savePlan(dir, next);
  const start = ctx.commits.length;
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
export async function restartRun(ctx: SuperviseContext, id: string, reason: string, opts: { argv?: string[]; graceMs?: number } = {}): Promise<OperatorResult> {
  const doc = readRunDoc(ctx, id);
  const before = doc.view.state;
  let stopped: OperatorResult | undefined;
  if (!TERMINAL.has(before)) stopped = await stopRun(ctx, id, `restart: ${reason}`, opts);
  return retryRun(ctx, id, { argv: opts.argv, action: 'restart', before, priorJobIds: stopped?.jobIds, priorCommits: stopped?.commits });
}

function commandFromBlock(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') && parsed.length > 0 ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}
