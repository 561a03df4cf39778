/**
 * What one observation of one attempt means for the ledger. Pure: the pass
 * gathers the facts (executor phase, output tail, clocks) and this decides
 * the transition, so every rule is testable without processes or git.
 *
 * Two clocks, so a hung run never blocks forever: the wall-clock timeout from the attempt's start,
 * and the progress heartbeat from the last new step. A job the executor
 * cannot see is lost, then worker_lost after its grace.
 */
import type { JobObservation } from '../executors/types.js';
import type { RunState } from '../core/lifecycle.js';
import type { JobField } from '../ledger/ops/jobs.js';
import { classifyFailure, isRetryable, type FailureClass } from '../signals/classify.js';
import type { ProgressSummary } from '../signals/progress.js';
import { code, F, humanDuration, type AttemptRecord } from './attempt.js';
import type { JobSettings } from '../config/jobs.js';
import type { Scrubber } from '../core/scrub/scrub.js';

export type EndState = 'completed' | 'command_failed' | 'canceled' | 'timed_out' | 'worker_lost' | 'retry_exhausted';

export type Decision =
  | { kind: 'none'; why: string }
  | {
      kind: 'update';
      state?: RunState;
      step?: number;
      metrics: Record<string, number>;
      message: string;
      fields: JobField[];
    }
  | { kind: 'requeue'; restarts: number; failureClass: FailureClass; reason: string }
  | {
      kind: 'end';
      state: EndState;
      failureClass?: FailureClass;
      reason: string;
      step?: number;
      metrics: Record<string, number>;
      fields: JobField[];
      /** The job is still alive: stop it before recording the end. */
      stopFirst: boolean;
      /** Schedule the next attempt (retry budget left for a transient class). */
      retry: boolean;
      /** When the job really ended (exit record), for the end time and runtime. */
      endedAt?: string;
      /** The end is a stall's remediation (stall_action resume continues from a checkpoint). */
      stall?: boolean;
      /** The first values the output printed (start_train_loss). */
      startMetrics?: Record<string, number>;
    };

export interface ProgressMemo {
  step: number;
  seenAt: number;
}

export interface DecideInput {
  state: RunState;
  attempt: AttemptRecord;
  now: Date;
  settings: JobSettings;
  /** Undefined when the executor could not be asked this pass (state unknown, not changed). */
  observation?: JobObservation;
  progress: ProgressSummary;
  tail: string;
  /** The ledger's scrubber: failure evidence cut from the output is scrubbed with its rules before the cut. */
  scrubber?: Scrubber;
  /** Last modification of the output log, ms since epoch. */
  logMtimeMs?: number;
  /** The supervisor's own memory of when it first saw the current step. */
  memo?: ProgressMemo;
  /** Retries this run has already used for its own failures (Job (retry N) blocks before this one). */
  retriesUsed: number;
  /** Retries already used after preemption or node failure: a budget of their own. */
  infraRetriesUsed?: number;
  /** A job queued this long for an ordinary reason is flagged (executors with a queue). */
  pendingGraceMs?: number;
}

/** Job block key: the pending flag already written, so each is written once. */
export const PENDING_FLAG = 'pending_flag';

const ACTIVE: ReadonlySet<RunState> = new Set(['queued', 'running', 'stalled', 'lost', 'validating']);

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso.replace(' UTC', 'Z').replace(' ', 'T'));
  return Number.isNaN(t) ? undefined : t;
}

/** Status metrics from a progress record: loss, and throughput under a key the status line can carry. */
export function progressMetrics(p: ProgressSummary): Record<string, number> {
  const out: Record<string, number> = {};
  const latest = p.latest;
  if (latest?.loss !== undefined) out['train_loss'] = latest.loss;
  else if (p.lastLoss !== undefined) out['train_loss'] = p.lastLoss;
  if (latest?.throughput)
    out[`${latest.throughput.unit.replace(/\/s$/, '').replace(/[^A-Za-z0-9_]/g, '_')}_per_s`] = latest.throughput.value;
  return out;
}

/** When the current step was first seen, as well as the ledger, the supervisor's memory and the log file tell. */
export function progressAnchor(input: DecideInput, startMs: number): number {
  const step = input.progress.latest?.step;
  if (step === undefined) return startMs;
  if (input.memo && input.memo.step === step) return input.memo.seenAt;
  if (input.attempt.lastStep === step) return ms(input.attempt.lastStepAt) ?? startMs;
  // A step the ledger has not recorded: it was printed no later than the log's last write.
  return Math.max(startMs, input.logMtimeMs ?? input.now.getTime());
}

/**
 * Preemption and node failure are not the run's fault: they are counted
 * apart from its own failures, against `infra_retry_budget` (a campaign's
 * infra_retries), else against a budget as large as `retries`.
 */
const INFRA: ReadonlySet<FailureClass> = new Set(['preemption', 'node_failure']);

function failureEnd(
  input: DecideInput,
  cls: FailureClass,
  reason: string,
  fields: JobField[],
  stopFirst: boolean,
  baseState: EndState,
): Decision {
  const infra = INFRA.has(cls);
  const userBudget = input.attempt.retries ?? input.settings.retries;
  const budget = infra ? (input.attempt.infraRetries ?? userBudget) : userBudget;
  const used = infra ? (input.infraRetriesUsed ?? 0) : input.retriesUsed;
  const retryable = isRetryable(cls);
  if (retryable && used < budget) {
    return {
      kind: 'end',
      state: baseState,
      failureClass: cls,
      reason: `${reason} (${infra ? 'infrastructure ' : ''}retry ${used + 1} of ${budget})`,
      metrics: {},
      fields,
      stopFirst,
      retry: true,
    };
  }
  const exhausted = retryable && budget > 0;
  return {
    kind: 'end',
    state: exhausted ? 'retry_exhausted' : baseState,
    failureClass: cls,
    reason: exhausted ? `${reason} (retry budget of ${budget} spent)` : reason,
    metrics: {},
    fields,
    stopFirst,
    retry: false,
  };
}

function ended(input: DecideInput, obs: JobObservation): Decision {
  const fields: JobField[] = [[F.evidence, code(obs.evidence)]];
  if (obs.exitCode !== undefined) fields.push([F.exitCode, String(obs.exitCode)]);
  if (obs.signal) fields.push([F.signal, obs.signal]);
  // A short job can end between two passes: its start is known only now.
  if (obs.startedAt && !input.attempt.startedAt) fields.push([F.start, code(obs.startedAt)]);
  if (obs.node) fields.push([F.worker, code(obs.node)]);
  const step = input.progress.latest?.step;
  if (obs.phase === 'completed') {
    const { firstLoss, lastLoss } = input.progress;
    const losses =
      firstLoss !== undefined && lastLoss !== undefined ? `loss ${firstLoss} → ${lastLoss}` : 'no loss printed';
    const startMetrics = firstLoss !== undefined ? { train_loss: firstLoss } : undefined;
    return {
      kind: 'end',
      state: 'completed',
      reason: `${losses}${step !== undefined ? ` by step ${step}` : ''}`,
      step,
      metrics: progressMetrics(input.progress),
      startMetrics,
      fields,
      stopFirst: false,
      retry: false,
      endedAt: obs.endedAt,
    };
  }
  if (obs.phase === 'canceled') {
    return {
      kind: 'end',
      state: 'canceled',
      failureClass: 'cancelled',
      reason: `stopped: ${obs.evidence}`,
      metrics: {},
      fields,
      stopFirst: false,
      retry: false,
      endedAt: obs.endedAt,
    };
  }
  const executorReason =
    obs.phase === 'failed' ? obs.reason : [obs.phase.toUpperCase(), obs.reason].filter(Boolean).join(' ');
  // The executor itself says the job failed (OUT_OF_MEMORY, NODE_FAIL, ...): an exit code of 0 there does not mean success.
  const exitCode = obs.phase !== 'failed' && obs.exitCode === 0 ? null : (obs.exitCode ?? null);
  const c = classifyFailure({
    exitCode,
    signal: obs.signal ?? null,
    tail: input.tail,
    executorReason,
    scrubber: input.scrubber,
  });
  const cls: FailureClass = c?.class ?? 'unknown';
  const evidence = c?.evidence ?? obs.evidence;
  fields.push(['classifier_rule', c?.rule ?? 'none']);
  const status =
    obs.exitCode !== undefined
      ? `exit code ${obs.exitCode}`
      : obs.signal
        ? `signal ${obs.signal}`
        : (obs.reason ?? obs.phase);
  const reason = `${status}${step !== undefined ? ` at step ${step}` : ''}; evidence: ${evidence}`;
  const base: EndState =
    obs.phase === 'timed_out' ? 'timed_out' : obs.phase === 'node_failure' ? 'worker_lost' : 'command_failed';
  return { ...failureEnd(input, cls, reason, fields, false, base), endedAt: obs.endedAt } as Decision;
}

function lost(input: DecideInput, obs: JobObservation): Decision {
  const now = input.now.getTime();
  const since = ms(input.attempt.lostSince);
  if (input.state !== 'lost' || since === undefined) {
    return {
      kind: 'update',
      state: 'lost',
      metrics: {},
      message: `the executor cannot see the job: ${obs.evidence}`,
      fields: [[F.lostSince, code(input.now.toISOString())]],
    };
  }
  const grace = input.settings.lostGraceMs;
  if (now - since < grace)
    return { kind: 'none', why: `lost for ${humanDuration(now - since)} of ${humanDuration(grace)}` };
  return failureEnd(
    input,
    'node_failure',
    `the executor has not seen the job for ${humanDuration(now - since)}: ${obs.evidence}`,
    [[F.evidence, code(obs.evidence)]],
    false,
    'worker_lost',
  );
}

/**
 * A queued job is flagged once per reason: at once when the scheduler says it
 * will never start by itself (PartitionConfig, JobHeldUser, ...), after
 * `pendingGraceMs` for an ordinary wait (Resources, Priority).
 */
function pendingFlag(input: DecideInput, obs: JobObservation): Decision | undefined {
  const reason = obs.reason ?? 'no reason given';
  // An array task waiting for its throttle (max_parallel) is waiting as asked.
  if (reason.startsWith('JobArrayTaskLimit')) return undefined;
  const flagged = (input.attempt.fields[PENDING_FLAG] ?? '').replace(/`/g, '');
  if (obs.neverStarts) {
    const flag = `never_starts: ${reason}`;
    if (flagged === flag) return undefined;
    return {
      kind: 'update',
      metrics: {},
      message: `pending (${reason}): the scheduler will not start this job by itself; fix the request and \`runlog restart\` it, or \`runlog stop\` it; evidence: ${obs.evidence}`,
      fields: [[PENDING_FLAG, code(flag)]],
    };
  }
  const grace = input.pendingGraceMs;
  const since = ms(input.attempt.submittedAt);
  if (
    grace === undefined ||
    since === undefined ||
    flagged.startsWith('pending_long') ||
    input.now.getTime() - since < grace
  )
    return undefined;
  const waited = humanDuration(input.now.getTime() - since);
  return {
    kind: 'update',
    metrics: {},
    message: `pending for ${waited} (${reason}), longer than pending_grace ${humanDuration(grace)}; evidence: ${obs.evidence}`,
    fields: [[PENDING_FLAG, code(`pending_long: ${reason}`)]],
  };
}

function alive(input: DecideInput, obs: JobObservation): Decision {
  const now = input.now.getTime();
  const a = input.attempt;
  const startMs = ms(obs.startedAt) ?? ms(a.startedAt) ?? ms(a.submittedAt) ?? now;
  const step = input.progress.latest?.step;
  const metrics = progressMetrics(input.progress);
  const stepFields = (): JobField[] =>
    step === undefined
      ? []
      : [
          [F.lastStep, String(step)],
          [F.lastStepAt, code(input.now.toISOString())],
        ];

  if (obs.phase === 'queued') {
    if (input.state === 'lost')
      return {
        kind: 'update',
        state: 'queued',
        metrics: {},
        message: `the executor sees the job again: ${obs.evidence}`,
        fields: [],
      };
    return pendingFlag(input, obs) ?? { kind: 'none', why: `queued${obs.reason ? ` (${obs.reason})` : ''}` };
  }
  if (input.state === 'queued' || input.state === 'lost' || input.state === 'validating') {
    const fields: JobField[] = [...stepFields()];
    if (obs.startedAt && !a.startedAt) fields.push([F.start, code(obs.startedAt)]);
    if (obs.node && !a.host) fields.push([F.worker, code(obs.node)]);
    return {
      kind: 'update',
      state: 'running',
      step,
      metrics,
      message: input.state === 'lost' ? `the executor sees the job again: ${obs.evidence}` : `started: ${obs.evidence}`,
      fields,
    };
  }

  const timeout = a.timeoutMs ?? input.settings.timeoutMs;
  // 0 is `timeout: none`, written out in a campaign manifest: no wall-clock limit.
  if (timeout > 0 && now - startMs >= timeout) {
    return {
      kind: 'end',
      state: 'timed_out',
      failureClass: 'walltime',
      reason: `wall-clock limit ${humanDuration(timeout)} reached (running since ${new Date(startMs).toISOString()})${step !== undefined ? ` at step ${step}` : ''}`,
      step,
      metrics: {},
      fields: [[F.evidence, code(`wall clock ${humanDuration(now - startMs)} >= timeout ${humanDuration(timeout)}`)]],
      stopFirst: true,
      retry: false,
    };
  }

  const heartbeat = a.heartbeatMs ?? input.settings.heartbeatMs;
  const anchor = progressAnchor(input, startMs);
  const quiet = now - anchor;
  const lastSeen = step === undefined ? 'no step printed yet' : `last step ${step}`;
  if (quiet >= heartbeat) {
    const stalledSince = ms(a.stalledSince);
    if (input.state !== 'stalled' || stalledSince === undefined) {
      return {
        kind: 'update',
        state: 'stalled',
        step,
        metrics: {},
        message: `no new step for ${humanDuration(quiet)} (heartbeat ${humanDuration(heartbeat)}; ${lastSeen})`,
        fields: [[F.stalledSince, code(input.now.toISOString())]],
      };
    }
    const grace = input.settings.stallGraceMs;
    if (now - stalledSince < grace)
      return { kind: 'none', why: `stalled for ${humanDuration(now - stalledSince)} of ${humanDuration(grace)}` };
    const reason = `stalled: no new step for ${humanDuration(quiet)} (${lastSeen}); remediation ${a.stallAction ?? input.settings.stallAction}`;
    const fields: JobField[] = [[F.evidence, code(`progress heartbeat: ${lastSeen}, quiet ${humanDuration(quiet)}`)]];
    const budget = a.retries ?? input.settings.retries;
    if ((a.stallAction ?? input.settings.stallAction) !== 'fail') {
      if (input.retriesUsed < budget)
        return {
          kind: 'end',
          state: 'timed_out',
          failureClass: 'unknown',
          reason: `${reason} (retry ${input.retriesUsed + 1} of ${budget})`,
          step,
          metrics: {},
          fields,
          stopFirst: true,
          retry: true,
          stall: true,
        };
      if (budget > 0)
        return {
          kind: 'end',
          state: 'retry_exhausted',
          failureClass: 'unknown',
          reason: `${reason} (retry budget of ${budget} spent)`,
          step,
          metrics: {},
          fields,
          stopFirst: true,
          retry: false,
          stall: true,
        };
    }
    return {
      kind: 'end',
      state: 'timed_out',
      failureClass: 'unknown',
      reason,
      step,
      metrics: {},
      fields,
      stopFirst: true,
      retry: false,
      stall: true,
    };
  }
  if (input.state === 'stalled') {
    return {
      kind: 'update',
      state: 'running',
      step,
      metrics,
      message: `progress resumed (step ${step ?? '?'})`,
      fields: [...stepFields(), [F.stalledSince, '']],
    };
  }
  if (step !== undefined && step !== a.lastStep) {
    const sinceRecorded = now - (ms(a.lastStepAt) ?? startMs);
    const steps = step - (a.lastStep ?? 0);
    if (steps >= input.settings.cadenceSteps || sinceRecorded >= input.settings.cadenceEveryMs) {
      return { kind: 'update', step, metrics, message: 'progress', fields: stepFields() };
    }
  }
  return { kind: 'none', why: step === undefined ? 'running, no step yet' : `running at step ${step}` };
}

/** Job block key: how many scheduler requeues the ledger has recorded for this job. */
export const RESTARTS_FIELD = 'scheduler_restarts';

/**
 * The scheduler requeued the job (Slurm `Restarts` went up): the same job id
 * runs again as a new instance, which the ledger records as a new Job block.
 * The cause is named only from evidence (slurmstepd's line in the output).
 */
function requeued(input: DecideInput, obs: JobObservation): Decision | undefined {
  const recorded = Number((input.attempt.fields[RESTARTS_FIELD] ?? '0').trim()) || 0;
  if (obs.restarts === undefined || obs.restarts <= recorded) return undefined;
  const cls: FailureClass = /PREEMPT/i.test(input.tail)
    ? 'preemption'
    : /NODE FAILURE|NODE_FAIL/i.test(`${input.tail} ${obs.reason ?? ''}`)
      ? 'node_failure'
      : 'unknown';
  return {
    kind: 'requeue',
    restarts: obs.restarts,
    failureClass: cls,
    reason: `the scheduler requeued job ${obs.jobId} (restart ${obs.restarts}); cause ${cls === 'unknown' ? 'not reported' : cls}; evidence: ${obs.evidence}`,
  };
}

export function decide(input: DecideInput): Decision {
  if (!ACTIVE.has(input.state)) return { kind: 'none', why: `${input.state} is not supervised` };
  const obs = input.observation;
  if (!obs) return { kind: 'none', why: 'the executor did not answer this pass' };
  const requeue = requeued(input, obs);
  if (requeue) return requeue;
  switch (obs.phase) {
    case 'queued':
    case 'running':
      return alive(input, obs);
    case 'unknown':
      return lost(input, obs);
    default:
      return ended(input, obs);
  }
}
