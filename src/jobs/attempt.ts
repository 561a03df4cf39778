/**
 * An attempt as the ledger records it: the latest Job block read back into
 * the facts the supervisor needs (executor, job id, output directory, clocks,
 * retry budget). The supervisor keeps no state of its own: everything here is
 * parsed from the run log, so a restarted supervisor knows what the last one
 * knew.
 */
import { shellLine, shellWords } from '../core/shell-quote.js';
import { exactDuration, parseDuration } from '../core/time.js';
import type { RunLogDoc } from '../markdown/runlog.js';
import type { StallAction } from '../config/jobs.js';

/** Job block keys written by runlog's job operations. */
export const F = {
  executionId: 'execution_id',
  executor: 'executor',
  cluster: 'cluster',
  attempt: 'attempt',
  idempotencyKey: 'idempotency_key',
  outputDir: 'output_dir',
  outputLog: 'output_log',
  submitted: 'submitted',
  submittedHuman: 'submitted_human',
  start: 'start',
  startHuman: 'start_human',
  worker: 'worker',
  pid: 'pid',
  timeout: 'timeout',
  heartbeat: 'heartbeat',
  retries: 'retry_budget',
  infraRetries: 'infra_retry_budget',
  stallAction: 'stall_action',
  notBefore: 'not_before',
  lastStep: 'last_step',
  lastStepAt: 'last_step_at',
  stalledSince: 'stalled_since',
  lostSince: 'lost_since',
  handle: 'executor_handle',
  exitCode: 'exit_code',
  signal: 'signal',
  terminalState: 'terminal_state',
  failureClass: 'failure_class',
  evidence: 'evidence',
} as const;

export interface AttemptRecord {
  heading: string;
  attempt: number;
  executor?: string;
  cluster?: string;
  jobId?: string;
  idempotencyKey?: string;
  outputDir?: string;
  outputLog?: string;
  submittedAt?: string;
  startedAt?: string;
  host?: string;
  timeoutMs?: number;
  heartbeatMs?: number;
  retries?: number;
  infraRetries?: number;
  stallAction?: StallAction;
  notBefore?: string;
  lastStep?: number;
  lastStepAt?: string;
  stalledSince?: string;
  lostSince?: string;
  terminalState?: string;
  fields: Record<string, string>;
}

const NOT_SUBMITTED = /^\(?not submitted\)?$/i;

function num(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v.replace(/\s*ms$/, ''));
  return Number.isFinite(n) ? n : undefined;
}

/** Clocks are written as `<ms> ms (<human>)`; only the number is read back. */
/** A clock as written (`72h`, `2500ms`), or as older versions wrote it (`259200000 ms (72h)`). */
function ms(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const legacy = /^(\d+)\s*ms\b/.exec(v.trim());
  if (legacy) return Number(legacy[1]);
  try {
    return parseDuration(v.replace(/`/g, ''), 'clock');
  } catch {
    return undefined;
  }
}

const str = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());

/** The latest Job block, or undefined for a run log without one. */
export function latestAttempt(doc: RunLogDoc): AttemptRecord | undefined {
  const block = doc.view.jobs.at(-1);
  if (!block) return undefined;
  const f = block.fields;
  const jobId = str(f[F.executionId]);
  const action = f[F.stallAction];
  const stallAction: StallAction | undefined =
    action === 'retry' || action === 'resume' || action === 'fail' ? action : undefined;
  return {
    heading: block.heading,
    attempt: num(f[F.attempt]) ?? Math.max(1, doc.view.jobs.length),
    executor: str(f[F.executor]),
    cluster: str(f[F.cluster]),
    jobId: jobId && !NOT_SUBMITTED.test(jobId) ? jobId : undefined,
    idempotencyKey: str(f[F.idempotencyKey]),
    outputDir: str(f[F.outputDir]),
    outputLog: str(f[F.outputLog]),
    submittedAt: str(f[F.submitted]),
    startedAt: str(f[F.start]),
    host: str(f[F.worker]),
    // `none`: a campaign wrote `timeout: none`; 0 means no wall-clock limit.
    timeoutMs: f[F.timeout]?.trim() === 'none' ? 0 : ms(f[F.timeout]),
    heartbeatMs: ms(f[F.heartbeat]),
    retries: num(f[F.retries]),
    infraRetries: num(f[F.infraRetries]),
    stallAction,
    notBefore: str(f[F.notBefore]),
    lastStep: num(f[F.lastStep]),
    lastStepAt: str(f[F.lastStepAt]),
    stalledSince: str(f[F.stalledSince]),
    lostSince: str(f[F.lostSince]),
    terminalState: str(f[F.terminalState]),
    fields: f,
  };
}

export const idempotencyKey = (runId: string, attempt: number) => `${runId}#${attempt}`;

/** A clock in the Job block: exact, and read the way a person writes it. */
export const clock = (msValue: number) => exactDuration(msValue);

export function humanDuration(msValue: number): string {
  const s = Math.round(msValue / 1000);
  if (s < 120) return `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
}

/** A value for a `- key: value` line: one line, inline code unless it holds a backtick. */
export function code(value: string): string {
  const one = value.replace(/\s+/g, ' ').trim();
  return one.includes('`') ? one : `\`${one}\``;
}

/** argv as one shell-quoted line in inline code (wide enough fences when it holds backticks); `commandArgv` reads it back. */
export function argvField(argv: readonly string[]): string {
  const line = shellLine(argv);
  const run = Math.max(0, ...[...line.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(run + 1);
  return run === 0 ? `${fence}${line}${fence}` : `${fence} ${line} ${fence}`;
}

/** The argv a Job block's `command` records: a shell line, or the JSON array older versions wrote. */
export function commandArgv(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const inner = value.trim().replace(/^(`+)\s?([\s\S]*?)\s?\1$/, '$2');
  if (inner.startsWith('[')) {
    try {
      const parsed = JSON.parse(inner) as unknown;
      if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => typeof a === 'string'))
        return parsed as string[];
    } catch {
      // Not JSON: a shell line that starts with a bracket.
    }
  }
  const words = shellWords(inner);
  return words && words.length > 0 ? words : undefined;
}
