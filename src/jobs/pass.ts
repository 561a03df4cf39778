/**
 * One supervision pass over every active run: one executor query per
 * executor (never one per run), then each run's output tail is read and
 * `decide` names the transition, which is committed. Commits happen only on
 * state changes and at the progress cadence, so a quiet pass commits
 * nothing. The pass keeps no state: a run's facts come from its Job block,
 * its executor and its output; `memo` only sharpens the heartbeat clock.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { JobHandle, JobObservation } from '../executors/types.js';
import { TERMINAL, type RunState } from '../core/lifecycle.js';
import type { JobOpResult } from '../ledger/ops/jobs.js';
import { listRunFiles, type RunFile } from '../ledger/read/runs.js';
import { RunLogDoc } from '../markdown/runlog.js';
import {
  compileProgressPatterns,
  latestProgress,
  type CompiledProgressPattern,
  type ProgressSummary,
} from '../signals/progress.js';
import { backoffMs } from '../core/backoff.js';
import { monitorClocks } from '../executors/slurm/config.js';
import { readRegularTail } from '../core/confined-fs.js';
import { scrubberFor } from '../core/scrub/scrub.js';
import {
  argvField,
  clock,
  code,
  commandArgv,
  F,
  humanDuration,
  idempotencyKey,
  latestAttempt,
  type AttemptRecord,
} from './attempt.js';
import type { SuperviseContext } from './context.js';
import { decide, RESTARTS_FIELD, type Decision, type ProgressMemo } from './decide.js';
import { launchAttempt } from './launch.js';
import { jobOfAttempt, loadPlan, requestOf, saveLaunch, savePlan, type LaunchPlan } from './plan.js';
import { outputDirFor, readRunDoc } from './launch.js';
import { adoptWaves, campaignsPass } from './wave.js';
import { campaignOfPath } from '../campaigns/paths.js';
import { listCheckpoints, pickCheckpoint } from '../checkpoints/index.js';
import { wandbGate } from '../wandb/gate.js';

export interface PassChange {
  id: string;
  attempt: number;
  from: string;
  to: string;
  action: 'progress' | 'state' | 'end' | 'retry_scheduled' | 'launch' | 'error';
  message: string;
  jobId?: string;
  commit: string | null;
}

export interface PassReport {
  at: string;
  /** Runs that were looked at (active, or with a launch due). */
  runs: number;
  /** Executor client calls in this pass: one per executor in use. */
  executorQueries: number;
  transportErrors: string[];
  changes: PassChange[];
  durationMs: number;
}

export interface PassOptions {
  /** Only these run ids. */
  runs?: string[];
  memo?: Map<string, ProgressMemo>;
  /** Outages per executor group, kept across passes by a long-running supervisor. */
  monitor?: Map<string, MonitorMemo>;
  onChange?: (change: PassChange) => void;
}

/** When an executor stopped answering, and the attempts already told `monitor stale`. */
export interface MonitorMemo {
  since: number;
  error: string;
  flagged: Set<string>;
}

interface Watched {
  file: RunFile;
  doc: RunLogDoc;
  attempt: AttemptRecord;
  handle: JobHandle;
  group: string;
}

const SUPERVISED: ReadonlySet<RunState> = new Set(['validating', 'queued', 'running', 'stalled', 'lost']);
const STATE_LINE = /^state:\s*([a-z_]+)\s*$/m;
const HEAD_BYTES = 2048;

/** The state front matter records, read from the head of the file without parsing it. */
function stateByHead(abs: string): string | undefined {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const head = buf.toString('utf8', 0, readSync(fd, buf, 0, HEAD_BYTES, 0));
    if (!head.startsWith('---')) return undefined;
    const end = head.indexOf('\n---', 3);
    return end === -1 ? undefined : STATE_LINE.exec(head.slice(0, end))?.[1];
  } finally {
    closeSync(fd);
  }
}

/** Failures the user's code is not at fault for: their retries come from their own budget. */
export const INFRA_CLASSES: ReadonlySet<string> = new Set(['preemption', 'node_failure']);

function supervisorRetries(doc: RunLogDoc): string[] {
  return doc.view.jobs
    .filter((j) => (j.fields['scheduled_by'] ?? '').replace(/`/g, '') === 'supervisor')
    .map((j) => (j.fields['retry_after'] ?? '').replace(/`/g, ''));
}

/** Retries the supervisor scheduled for this run's own failures; operator retries and infrastructure retries do not count. */
export function retriesUsed(doc: RunLogDoc): number {
  return supervisorRetries(doc).filter((cls) => !INFRA_CLASSES.has(cls)).length;
}

/** Retries after preemption or node failure. */
export function infraRetriesUsed(doc: RunLogDoc): number {
  return supervisorRetries(doc).filter((cls) => INFRA_CLASSES.has(cls)).length;
}

/** Growing windows at the end of the tail that hold the newest progress line of a live job. */
const RECENT_WINDOWS = [512, 4096];

/**
 * A live job needs only its newest step, so only the end of the tail is
 * parsed (a few lines, then a few KiB); the whole tail is parsed when the
 * job ended (first loss, final step) or when the end holds no step or a
 * counted one (HF Trainer dicts count lines from the start).
 */
function progressOf(tail: string, patterns: CompiledProgressPattern[], whole: boolean): ProgressSummary {
  if (!whole) {
    for (const bytes of RECENT_WINDOWS) {
      if (tail.length <= bytes) break;
      const cut = tail.indexOf('\n', tail.length - bytes);
      if (cut === -1) continue;
      const recent = latestProgress(tail.slice(cut + 1), patterns);
      if (recent.latest !== undefined && !recent.latest.stepCounted) return recent;
    }
  }
  return latestProgress(tail, patterns);
}

const TAIL_BYTES = 64 * 1024;

/**
 * The last 64 KiB of a job's output, without the partial line the cut lands
 * in, and its mtime. Read synchronously: a pass reads hundreds of small
 * tails and async reads, one after another, spend most of their time
 * waiting on the pool. Only a regular file is read: a job that turned its
 * log into a FIFO must not hang the pass.
 */
function tailOf(path: string): { text: string; mtimeMs?: number } {
  const t = readRegularTail(path, TAIL_BYTES);
  if (t === null) return { text: '' };
  return { text: t.truncated ? t.text.slice(t.text.indexOf('\n') + 1) : t.text, mtimeMs: t.mtimeMs };
}

/**
 * One supervision pass: find the runs this machine supervises, ask each
 * executor group once about their jobs, decide and record each run's next
 * state, launch what is due, then let campaigns refill their freed slots.
 */
export async function pollPass(ctx: SuperviseContext, opts: PassOptions = {}): Promise<PassReport> {
  const started = Date.now();
  const now = ctx.now();
  const report: PassReport = {
    at: now.toISOString(),
    runs: 0,
    executorQueries: 0,
    transportErrors: [],
    changes: [],
    durationMs: 0,
  };
  const note = (c: PassChange) => {
    report.changes.push(c);
    opts.onChange?.(c);
  };
  const only = opts.runs ? new Set(opts.runs) : undefined;
  // Compiled first: a bad configured pattern fails the pass before it writes anything.
  const reading: OutputReading = {
    patterns: compileProgressPatterns(ctx.settings.progressPatterns as never),
    scrubber: scrubberFor(ctx.ledger.config.scrub.rules),
  };

  const { watched, launches, cutOff } = collectRuns(ctx, only, now, report);
  const { observations, clocks } = await pollGroups(ctx, watched, opts.monitor, now, report, note);
  await decideWatched(ctx, watched, observations, clocks, reading, opts.memo, now, note);

  for (const l of launches) await launchDue(ctx, l.id, l.attempt, l.adopting, note);
  if (cutOff.length > 0) {
    for (const id of await adoptWaves(ctx, cutOff, note)) {
      const a = latestAttempt(readRunDoc(ctx, id));
      if (a) await launchDue(ctx, id, a, true, note);
    }
  }
  // Campaigns start their queued entries after this pass recorded its endings, so freed slots refill at once.
  if (!only) await campaignsPass(ctx, report, note);
  report.durationMs = Date.now() - started;
  return report;
}

/** How a pass reads job output: the configured progress patterns and the ledger's scrubber. */
interface OutputReading {
  patterns: CompiledProgressPattern[];
  scrubber: ReturnType<typeof scrubberFor>;
}

interface DueLaunch {
  id: string;
  attempt: AttemptRecord;
  adopting: boolean;
}

/**
 * The runs this machine supervises: live jobs to watch, scheduled retries
 * whose time has come, and planned launches to adopt (a campaign's go
 * through its wave, `cutOff`). Terminal runs are skipped from their front
 * matter without parsing.
 */
function collectRuns(
  ctx: SuperviseContext,
  only: Set<string> | undefined,
  now: Date,
  report: PassReport,
): { watched: Watched[]; launches: DueLaunch[]; cutOff: string[] } {
  const watched: Watched[] = [];
  const launches: DueLaunch[] = [];
  const cutOff: string[] = [];
  for (const file of listRunFiles(ctx.ledger.root, ctx.ledger.config.runs_dir)) {
    if (only && !only.has(file.id)) continue;
    // Front matter that says terminal is enough to skip a run without parsing it.
    const headState = stateByHead(file.abs);
    if (headState !== undefined && TERMINAL.has(headState as RunState)) continue;
    const inCampaign = campaignOfPath(ctx.ledger.config.runs_dir, file.path) !== null;
    // A campaign's pending entries (first attempts and scheduled retries) start within its max_parallel, below.
    if (inCampaign && headState === 'pending') continue;
    const doc = new RunLogDoc(readFileSync(file.abs, 'utf8'), file.path);
    const state = doc.view.state;
    const attempt = latestAttempt(doc);
    if (inCampaign && state === 'pending') continue;
    if (!attempt?.idempotencyKey) continue;
    // Only what this machine planned and launched is supervised here; the rest belongs to the machine that did.
    const plan = loadPlan(ctx.state, attempt.idempotencyKey);
    if (state === 'pending' && !attempt.jobId && attempt.notBefore) {
      if (plan === undefined) continue;
      report.runs++;
      if (Date.parse(attempt.notBefore) <= now.getTime()) launches.push({ id: file.id, attempt, adopting: false });
      continue;
    }
    if (!SUPERVISED.has(state)) continue;
    if (state === 'validating' && !attempt.jobId) {
      if (plan?.preflightPassedAt === undefined) continue;
      report.runs++;
      if (inCampaign) cutOff.push(file.id);
      else launches.push({ id: file.id, attempt, adopting: true });
      continue;
    }
    const job = jobOfAttempt(ctx.state, attempt);
    if (typeof job === 'string') continue;
    report.runs++;
    watched.push({ file, doc, attempt, handle: job, group: `${job.executor}\0${attempt.cluster ?? ''}` });
  }
  return { watched, launches, cutOff };
}

/**
 * One poll call per executor group (narrower where the executor has one:
 * SSH per host), all groups at once; transport errors become monitor
 * entries, never state changes.
 */
async function pollGroups(
  ctx: SuperviseContext,
  watched: Watched[],
  monitor: Map<string, MonitorMemo> | undefined,
  now: Date,
  report: PassReport,
  note: (c: PassChange) => void,
) {
  const observations = new Map<Watched, JobObservation | undefined>();
  const groups = new Map<string, Watched[]>();
  for (const w of watched) {
    // One poll call per narrower group where the executor has one (SSH: per host), so one host's outage leaves the others' answers standing.
    const sub = (await ctx.executor(w.handle.executor, w.attempt.cluster)).pollGroup?.(w.handle);
    if (sub) w.group = `${w.group}\0${sub}`;
    groups.set(w.group, [...(groups.get(w.group) ?? []), w]);
  }
  const clocks = new Map<string, ReturnType<typeof monitorClocks>>();
  const monitorNotes: { w: Watched; message: string }[] = [];
  // Groups are asked at once: a pass over two SSH hosts costs the slower host's call, not the sum.
  const polled = await Promise.all(
    [...groups].map(async ([group, members]) => {
      const first = members[0]!;
      const executor = await ctx.executor(first.handle.executor, first.attempt.cluster);
      return { group, members, executor, result: await executor.poll(members.map((m) => m.handle)) };
    }),
  );
  for (const { group, members, executor, result } of polled) {
    const first = members[0]!;
    const groupClocks = monitorClocks(ctx.ledger.config, first.handle.executor, first.attempt.cluster);
    clocks.set(group, groupClocks);
    report.executorQueries += result.calls;
    if (result.transportError) report.transportErrors.push(`${executor.name}: ${result.transportError}`);
    for (const m of members) observations.set(m, result.transportError ? undefined : result.jobs.get(m.handle.jobId));
    monitorNotes.push(
      ...monitorChanges(
        monitor,
        group,
        members,
        now.getTime(),
        groupClocks.staleAfterMs,
        executor.name,
        result.transportError,
      ),
    );
  }
  for (const { w, message } of monitorNotes) {
    await act(ctx, w, { kind: 'update', metrics: {}, message, fields: [] }, note);
  }
  return { observations, clocks };
}

/** Each watched run: read its output's tail when there is one to read, decide, and record the decision. */
async function decideWatched(
  ctx: SuperviseContext,
  watched: Watched[],
  observations: Map<Watched, JobObservation | undefined>,
  clocks: Map<string, ReturnType<typeof monitorClocks>>,
  { patterns, scrubber }: OutputReading,
  memos: PassOptions['memo'],
  now: Date,
  note: (c: PassChange) => void,
): Promise<void> {
  for (const w of watched) {
    const obs = observations.get(w);
    // A requeued job pends again, but its output may say why it was requeued.
    const readOutput = obs !== undefined && (obs.phase !== 'queued' || (obs.restarts ?? 0) > 0);
    const log = readOutput ? tailOf(w.handle.outputPath) : { text: '' };
    const tail = log.text;
    const progress = progressOf(tail, patterns, obs !== undefined && obs.phase !== 'running');
    const step = progress.latest?.step;
    const memoKey = w.attempt.idempotencyKey!;
    const memo = memos?.get(memoKey);
    const decision = decide({
      state: w.doc.view.state,
      attempt: w.attempt,
      now,
      settings: ctx.settings,
      observation: obs,
      progress,
      tail,
      scrubber,
      logMtimeMs: log.mtimeMs,
      memo,
      retriesUsed: retriesUsed(w.doc),
      infraRetriesUsed: infraRetriesUsed(w.doc),
      pendingGraceMs: clocks.get(w.group)?.pendingGraceMs,
    });
    if (memos && step !== undefined && memo?.step !== step) memos.set(memoKey, { step, seenAt: now.getTime() });
    await act(ctx, w, decision, note);
  }
}

/**
 * Transport errors never change a run's state; once an outage outlasts
 * `staleAfterMs` each affected run gets one `monitor stale` entry, and one
 * `monitor back` entry when the executor answers again.
 */
function monitorChanges(
  monitor: Map<string, MonitorMemo> | undefined,
  group: string,
  members: Watched[],
  now: number,
  staleAfterMs: number,
  executor: string,
  error: string | undefined,
): { w: Watched; message: string }[] {
  if (!monitor) return [];
  const memo = monitor.get(group);
  if (error === undefined) {
    if (!memo) return [];
    monitor.delete(group);
    const after = humanDuration(now - memo.since);
    return members
      .filter((m) => memo.flagged.has(m.attempt.idempotencyKey!))
      .map((w) => ({ w, message: `monitor back: ${executor} answered again after ${after} unreachable` }));
  }
  const current = memo ?? { since: now, error, flagged: new Set<string>() };
  current.error = error;
  monitor.set(group, current);
  if (now - current.since < staleAfterMs) return [];
  const out: { w: Watched; message: string }[] = [];
  for (const w of members) {
    const key = w.attempt.idempotencyKey!;
    if (current.flagged.has(key)) continue;
    current.flagged.add(key);
    const since = new Date(current.since).toISOString();
    out.push({
      w,
      message: `monitor stale: ${executor} unreachable for ${humanDuration(now - current.since)} (since ${since}); the job's state is unknown, not changed; last error: ${error}`,
    });
  }
  return out;
}

/** Job block keys a requeued instance carries over unchanged: it is the same job and the same request. */
const CARRIED_PLAIN = [F.executor, F.cluster, F.timeout, F.heartbeat, F.retries, F.stallAction];
const CARRIED_CODE = ['command', 'cwd', F.outputDir, 'git_sha', 'git_dirty', 'resources', 'placement'];

function requeueArgs(w: Watched, d: Extract<Decision, { kind: 'requeue' }>, at: string) {
  const f = w.attempt.fields;
  const carry: [string, string][] = [
    ...CARRIED_PLAIN.filter((k) => f[k] !== undefined).map((k): [string, string] => [k, f[k]!]),
    // command is recorded as JSON in inline code already; the others get wrapped again.
    // command is written back exactly as it was read (a shell line); the others get wrapped again.
    ...CARRIED_CODE.filter((k) => f[k] !== undefined).map((k): [string, string] => {
      const argv = k === 'command' ? commandArgv(f[k]) : undefined;
      return [k, argv ? argvField(argv) : code(f[k]!)];
    }),
  ];
  const { outputDir: _dir, ...extra } = w.handle.extra ?? {};
  const jobFields: [string, string][] = [
    [F.executionId, code(w.handle.jobId)],
    [F.outputLog, code(w.handle.outputPath)],
    [F.handle, code(JSON.stringify(extra))],
    [RESTARTS_FIELD, String(d.restarts)],
  ];
  if (extra['partition']) jobFields.push(['partition', code(extra['partition'])]);
  const next = w.doc.view.attempt + 1;
  return {
    run: w.file.id,
    key: w.attempt.idempotencyKey!,
    nextKey: idempotencyKey(w.file.id, next),
    at,
    restarts: d.restarts,
    failureClass: d.failureClass,
    reason: d.reason,
    endFields: [[F.evidence, code(d.reason.replace(/^.*evidence: /, ''))]] as [string, string][],
    carryFields: carry,
    jobFields,
    message: `job ${w.handle.jobId} requeued by the scheduler (restart ${d.restarts}) continues as attempt ${next}; same job id, same output directory`,
  };
}

async function act(ctx: SuperviseContext, w: Watched, d: Decision, note: (c: PassChange) => void): Promise<void> {
  const id = w.file.id;
  const from = w.doc.view.state;
  const key = w.attempt.idempotencyKey!;
  const at = ctx.now().toISOString();
  if (d.kind === 'none') return;
  try {
    if (d.kind === 'update') {
      const c = await ctx.commit<JobOpResult>({
        kind: 'job-update',
        run: id,
        args: {
          run: id,
          key,
          at,
          state: d.state,
          step: d.step,
          metrics: d.metrics,
          message: d.message,
          fields: d.fields,
        },
      });
      note({
        id,
        attempt: w.attempt.attempt,
        from,
        to: d.state ?? from,
        action: d.state && d.state !== from ? 'state' : 'progress',
        message: d.message,
        jobId: w.handle.jobId,
        commit: c.commit,
      });
      return;
    }
    if (d.kind === 'requeue') {
      const args = requeueArgs(w, d, at);
      // The same job continues as the next attempt: this machine's records follow it.
      saveLaunch(ctx.state, args.nextKey, w.handle);
      const plan = loadPlan(ctx.state, key);
      if (plan) savePlan(ctx.state, args.nextKey, plan);
      const c = await ctx.commit<JobOpResult>({ kind: 'job-requeue', run: id, args });
      note({
        id,
        attempt: w.attempt.attempt + 1,
        from,
        to: 'queued',
        action: 'state',
        message: d.reason,
        jobId: w.handle.jobId,
        commit: c.commit,
      });
      return;
    }
    if (d.stopFirst) {
      const executor = await ctx.executor(w.handle.executor, w.attempt.cluster);
      await executor.cancel(w.handle, { graceMs: ctx.settings.killGraceMs });
    }
    const plan = planOf(ctx, w);
    let retry: { key: string; label: string; notBefore: string; fields: [string, string][] } | undefined;
    if (d.retry && plan) retry = await scheduleRetry(ctx, w, d, plan);
    const results =
      d.state === 'completed' && plan?.campaign?.wandbStrict ? gateResult(ctx, w, plan, d.endedAt ?? at) : undefined;
    const endAt = d.endedAt && !Number.isNaN(Date.parse(d.endedAt)) ? new Date(d.endedAt).toISOString() : at;
    // A completion commits the run's chart; its output-log readings travel in the operation (replay has no logs).
    const readings =
      d.state === 'completed'
        ? (await import('../plot/output-logs.js')).chartReadings(ctx.ledger.root, ctx.ledger.config, w.file)
        : undefined;
    // What the job left behind: its newest complete checkpoint becomes the Results checkpoint.
    const found =
      d.state === 'completed' && w.attempt.outputDir
        ? await (await import('../checkpoints/index.js')).newestComplete(w.attempt.outputDir)
        : null;
    const checkpoint = found ? { checkpoint: found.path, checkpointUnder: w.attempt.outputDir } : {};
    const c = await ctx.commit<JobOpResult>({
      kind: 'job-end',
      run: id,
      args: {
        run: id,
        key,
        at: endAt,
        state: d.state,
        failureClass: d.failureClass,
        reason: d.reason,
        step: d.step,
        metrics: d.metrics,
        startMetrics: d.startMetrics,
        fields: d.fields,
        retry,
        readings,
        ...checkpoint,
        ...(results ? { results } : {}),
      },
    });
    note({
      id,
      attempt: w.attempt.attempt,
      from,
      to: d.state,
      action: 'end',
      message: d.reason,
      jobId: w.handle.jobId,
      commit: c.commit,
    });
    if (retry)
      note({
        id,
        attempt: w.attempt.attempt + 1,
        from: d.state,
        to: 'pending',
        action: 'retry_scheduled',
        message: `${retry.label} launches after ${retry.notBefore}`,
        commit: c.commit,
      });
  } catch (err) {
    note({
      id,
      attempt: w.attempt.attempt,
      from,
      to: from,
      action: 'error',
      message: err instanceof Error ? err.message : String(err),
      jobId: w.handle.jobId,
      commit: null,
    });
  }
}

/** The request of the attempt that ended, from this machine's local state (never from a path the run log names). */
function planOf(ctx: SuperviseContext, w: Watched): LaunchPlan | undefined {
  const record = loadPlan(ctx.state, w.attempt.idempotencyKey!);
  return record ? requestOf(record) : undefined;
}

/** The newest complete checkpoint an attempt left, or undefined (then a stall is retried from scratch). */
async function newestCheckpoint(dir: string): Promise<string | undefined> {
  try {
    return (await pickCheckpoint(await listCheckpoints(dir))).checkpoint.path;
  } catch {
    return undefined;
  }
}

/**
 * The next attempt after a retryable ending: its own output directory and
 * plan, a backoff with jitter from the request's own clocks, and the budget
 * it spends (the user's, or the infrastructure's for preemption and node
 * failure). A stall with stall_action resume continues from the newest
 * complete checkpoint of the stalled attempt.
 */
async function scheduleRetry(
  ctx: SuperviseContext,
  w: Watched,
  d: Extract<Decision, { kind: 'end' }>,
  plan: LaunchPlan,
): Promise<{ key: string; label: string; notBefore: string; fields: [string, string][] }> {
  const id = w.file.id;
  const next = w.doc.view.attempt + 1;
  const infra = INFRA_CLASSES.has(d.failureClass ?? '');
  const used = (infra ? infraRetriesUsed(w.doc) : retriesUsed(w.doc)) + 1;
  const notBefore = new Date(
    ctx.now().getTime() +
      backoffMs(used, plan.backoffMs ?? ctx.settings.backoffBaseMs, plan.backoffMaxMs ?? ctx.settings.backoffMaxMs),
  );
  const dir = outputDirFor(ctx, id, next, plan);
  const resumeFrom =
    d.stall && plan.stallAction === 'resume'
      ? await newestCheckpoint(outputDirFor(ctx, id, w.attempt.attempt, plan))
      : undefined;
  savePlan(ctx.state, idempotencyKey(id, next), { ...plan, initFrom: resumeFrom });
  const fields: [string, string][] = [
    ['scheduled_by', 'supervisor'],
    ['retry_after', d.failureClass ?? 'unknown'],
    [F.notBefore, code(notBefore.toISOString())],
    [F.executor, plan.executor],
    [F.outputDir, code(dir)],
    [F.timeout, plan.timeoutMs > 0 ? clock(plan.timeoutMs) : 'none'],
    [F.heartbeat, clock(plan.heartbeatMs)],
    [F.retries, String(plan.retries)],
    [F.stallAction, plan.stallAction],
  ];
  if (resumeFrom) fields.push(['resumed from', code(resumeFrom)]);
  return {
    key: idempotencyKey(id, next),
    label: `${infra ? 'infra retry' : resumeFrom ? 'resume' : 'retry'} ${used}`,
    notBefore: notBefore.toISOString(),
    fields,
  };
}

/** The strict W&B gate of a campaign entry that completed: recorded in Results. */
function gateResult(ctx: SuperviseContext, w: Watched, plan: LaunchPlan, endedAt: string): [string, string][] {
  const g = wandbGate(outputDirFor(ctx, w.file.id, w.attempt.attempt, plan), {
    heartbeatMs: plan.heartbeatMs,
    endedAtMs: Date.parse(endedAt),
    syncedUrl: w.doc.view.wandb?.['synced'],
  });
  return [['wandb_gate', g.passed ? 'passed' : `failed (${g.reason})`]];
}

async function launchDue(
  ctx: SuperviseContext,
  id: string,
  attempt: AttemptRecord,
  adopting: boolean,
  note: (c: PassChange) => void,
): Promise<void> {
  const from = adopting ? 'validating' : 'pending';
  const record = attempt.idempotencyKey ? loadPlan(ctx.state, attempt.idempotencyKey) : undefined;
  if (!record) {
    note({
      id,
      attempt: attempt.attempt,
      from,
      to: from,
      action: 'error',
      message: `this clone has no launch plan of ${attempt.idempotencyKey}; relaunch with \`runlog retry ${id} -- <command>\``,
      commit: null,
    });
    return;
  }
  try {
    const out = await launchAttempt(ctx, id, requestOf(record));
    note({
      id,
      attempt: out.attempt,
      from,
      to: out.state,
      action: 'launch',
      message: `${adopting ? 'adopted' : 'launched'} ${out.jobId ?? ''}`.trim(),
      jobId: out.jobId,
      commit: out.commits.at(-1) ?? null,
    });
  } catch (err) {
    note({
      id,
      attempt: attempt.attempt,
      from,
      to: 'validation_failed',
      action: 'error',
      message: err instanceof Error ? err.message : String(err),
      commit: ctx.commits.at(-1) ?? null,
    });
  }
}
