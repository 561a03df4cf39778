import { constants } from 'node:os';
import { isoSeconds } from '../../core/time.js';
import type { JobObservation, JobPhase } from '../types.js';

/**
 * Reasons a pending job keeps forever unless someone changes it or the
 * cluster. `ReqNodeNotAvail` is left out: it also shows for a few seconds
 * after every slurmctld restart.
 */
const NEVER_STARTS = new Set([
  'PartitionConfig',
  'PartitionNodeLimit',
  'PartitionTimeLimit',
  'JobHeldUser',
  'JobHeldAdmin',
  'BadConstraints',
  'InvalidAccount',
  'InvalidQOS',
  'QOSJobLimit',
  'AccountNotAllowed',
  'QOSNotAllowed',
  'DependencyNeverSatisfied',
  'PartitionDown',
  'PartitionInactive',
]);

export function neverStarts(reason: string | undefined): boolean {
  return reason !== undefined && NEVER_STARTS.has(reason.split(/[,\s]/)[0] ?? '');
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, num]) => [num, name]));

export function signalName(num: number): string {
  return SIGNAL_NAMES.get(num) ?? String(num);
}

export interface ExitStatus {
  exitCode?: number;
  signal?: string;
}

/** Slurm's `ExitCode` column: `<exit status>:<signal>`. */
export function parseExitCodePair(text: string): ExitStatus {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) return {};
  const code = Number(m[1]);
  const sig = Number(m[2]);
  return sig > 0 ? { exitCode: code, signal: signalName(sig) } : { exitCode: code };
}

/** squeue `exit_code` is the raw wait status: 3 << 8 for `exit 3`, 15 for SIGTERM. */
export function parseWaitStatus(text: string): ExitStatus {
  const raw = Number(text.trim());
  if (!Number.isInteger(raw) || raw < 0) return {};
  const sig = raw & 0x7f;
  return sig > 0 ? { signal: signalName(sig) } : { exitCode: raw >> 8 };
}

/** Slurm prints local times without a zone; `Unknown`, `N/A`, `None` mean not set. */
export function slurmTimeToIso(text: string | undefined): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec((text ?? '').trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return isoSeconds(new Date(y, mo - 1, d, h, mi, s));
}

export function isTerminal(phase: JobPhase): boolean {
  return phase !== 'queued' && phase !== 'running' && phase !== 'unknown';
}

/**
 * Slurm job state to runlog phase. `cancelledBy` is sacct's `CANCELLED by <uid>`;
 * `preemptedInOutput` is set when slurmstepd wrote `DUE TO PREEMPTION`.
 */
export function phaseOf(state: string, opts: { preemptedInOutput?: boolean } = {}): JobPhase {
  const base = state.trim().split(/[\s+]/)[0] ?? '';
  switch (base) {
    case 'PENDING':
    case 'REQUEUED':
    case 'REQUEUE_HOLD':
    case 'REQUEUE_FED':
    case 'RESV_DEL_HOLD':
    case 'CONFIGURING':
      return 'queued';
    case 'RUNNING':
    case 'COMPLETING':
    case 'SUSPENDED':
    case 'STOPPED':
    case 'RESIZING':
    case 'SIGNALING':
    case 'STAGE_OUT':
      return 'running';
    case 'COMPLETED':
      return 'completed';
    case 'FAILED':
    case 'SPECIAL_EXIT':
      return 'failed';
    case 'TIMEOUT':
    case 'DEADLINE':
      return 'timed_out';
    case 'CANCELLED':
    case 'REVOKED':
      return opts.preemptedInOutput ? 'preempted' : 'canceled';
    case 'PREEMPTED':
      return 'preempted';
    case 'NODE_FAIL':
    case 'BOOT_FAIL':
      return 'node_failure';
    case 'OUT_OF_MEMORY':
      return 'oom';
    default:
      return 'unknown';
  }
}

/** One `squeue -O` row; the fields are in SQUEUE_FIELDS order. */
export interface SqueueRow {
  jobId: string;
  state: string;
  exitStatus: string;
  restarts: string;
  nodes: string;
  start: string;
  end: string;
  partition: string;
  reason: string;
  line: string;
}

/**
 * Reason goes last: it is the only free-text field and may hold the
 * delimiter. An array task's JobID is its own number (or the array's while it
 * pends); ArrayJobID and ArrayTaskID name it as `<array>_<task>`.
 */
export const SQUEUE_FIELDS = [
  'JobID',
  'State',
  'exit_code',
  'RestartCnt',
  'NodeList',
  'StartTime',
  'EndTime',
  'Partition',
  'ArrayJobID',
  'ArrayTaskID',
  'Reason',
];
export const SQUEUE_FORMAT = SQUEUE_FIELDS.map((f) => `${f}:|`).join(',');

export function parseSqueue(stdout: string): SqueueRow[] {
  const rows: SqueueRow[] = [];
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\|$/, '');
    if (line.trim() === '') continue;
    const parts = line.split('|');
    if (parts.length < SQUEUE_FIELDS.length) continue;
    const [rawId, state, exitStatus, restarts, nodes, start, end, partition, arrayJob, arrayTask] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const jobId = /^\d+$/.test(arrayTask) && /^\d+$/.test(arrayJob) ? `${arrayJob}_${arrayTask}` : rawId;
    rows.push({
      jobId,
      state,
      exitStatus,
      restarts,
      nodes,
      start,
      end,
      partition,
      reason: parts.slice(10).join('|'),
      line,
    });
  }
  return rows;
}

/** Fields for `sacct -X -P -n -o`; Reason last for the same reason as above. */
export const SACCT_FIELDS = ['JobID', 'JobName', 'State', 'ExitCode', 'NodeList', 'Start', 'End', 'Reason'];

export interface SacctRow {
  jobId: string;
  jobName: string;
  state: string;
  exitCode: string;
  nodes: string;
  start: string;
  end: string;
  reason: string;
  line: string;
}

export function parseSacct(stdout: string): SacctRow[] {
  const rows: SacctRow[] = [];
  for (const line of stdout.split('\n')) {
    if (line.trim() === '') continue;
    const parts = line.split('|');
    if (parts.length < SACCT_FIELDS.length) continue;
    const [jobId, jobName, state, exitCode, nodes, start, end] = parts as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    rows.push({ jobId, jobName, state, exitCode, nodes, start, end, reason: parts.slice(7).join('|'), line });
  }
  return rows;
}

/**
 * sacct rows that are not yet the job's record: the `allocation` placeholder
 * written before the full record, and finished rows still missing their End.
 */
export function sacctRowIsPlaceholder(row: SacctRow): boolean {
  if (row.jobName === 'allocation') return true;
  const phase = phaseOf(row.state);
  return isTerminal(phase) && row.end.trim() === 'Unknown';
}

/**
 * An exit code means something only when the program ended by itself. After
 * a cancel or time limit Slurm reports 0:0, 0:15 or (through the batch
 * script's TERM trap) 143, depending on the tool: keep only the signal.
 */
function exitFacts(phase: JobPhase, status: ExitStatus): ExitStatus {
  if (phase === 'completed' || phase === 'failed' || phase === 'oom') return status;
  return status.signal === undefined ? {} : { signal: status.signal };
}

const meaningful = (v: string | undefined) =>
  v === undefined || v === '' || v === '(null)' || v === 'None assigned' ? undefined : v;

/** What squeue and sacct rows share; each passes its own exit-status reading. */
function observationFromRow(
  source: 'squeue' | 'sacct',
  row: { jobId: string; state: string; reason?: string; start?: string; end?: string; nodes?: string; line: string },
  exit: () => ExitStatus,
  opts: { preemptedInOutput?: boolean },
): JobObservation {
  const phase = phaseOf(row.state, opts);
  const obs: JobObservation = { jobId: row.jobId, phase, evidence: `${source}: ${row.line}` };
  const reason = meaningful(row.reason);
  if (reason !== undefined && reason !== 'None') obs.reason = reason;
  if (phase === 'queued' && neverStarts(reason)) obs.neverStarts = true;
  if (isTerminal(phase)) Object.assign(obs, exitFacts(phase, exit()));
  const startedAt = phase === 'queued' ? undefined : slurmTimeToIso(row.start);
  const endedAt = isTerminal(phase) ? slurmTimeToIso(row.end) : undefined;
  if (startedAt) obs.startedAt = startedAt;
  if (endedAt) obs.endedAt = endedAt;
  const node = meaningful(row.nodes);
  if (node !== undefined && phase !== 'queued') obs.node = node;
  return obs;
}

export function observationFromSqueue(row: SqueueRow, opts: { preemptedInOutput?: boolean } = {}): JobObservation {
  const obs = observationFromRow('squeue', row, () => parseWaitStatus(row.exitStatus), opts);
  const restarts = Number(row.restarts);
  if (Number.isInteger(restarts) && restarts > 0) obs.restarts = restarts;
  return obs;
}

export function observationFromSacct(row: SacctRow, opts: { preemptedInOutput?: boolean } = {}): JobObservation {
  return observationFromRow('sacct', row, () => parseExitCodePair(row.exitCode), opts);
}

/**
 * `scontrol show <entity> -o`: one line of `Key=Value`. Values can hold
 * spaces (`OS=Linux 6.1 #1 SMP`), so split only before ` Key=`.
 */
export function parseScontrolLine(line: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /(?:^|\s)([A-Za-z][A-Za-z0-9_/:]*)=/g;
  const marks: { key: string; valueStart: number; keyStart: number }[] = [];
  for (let m = re.exec(line); m !== null; m = re.exec(line)) {
    marks.push({ key: m[1] as string, valueStart: m.index + m[0].length, keyStart: m.index });
  }
  marks.forEach((mark, i) => {
    const next = marks[i + 1];
    out.set(mark.key, line.slice(mark.valueStart, next ? next.keyStart : line.length).trim());
  });
  return out;
}

export function parseScontrol(stdout: string): Map<string, string>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(parseScontrolLine);
}

/** Slurm durations: `UNLIMITED`, `M`, `M:S`, `H:M:S`, `D-H`, `D-H:M`, `D-H:M:S`. Seconds, or Infinity. */
export function parseSlurmDuration(text: string): number | undefined {
  const t = text.trim();
  if (t === 'UNLIMITED' || t === 'INFINITE' || t === 'NONE' || t === 'Partition_Limit') return Number.POSITIVE_INFINITY;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(t);
  if (!m) return undefined;
  const [, d, a, b, c] = m;
  const n = (x: string | undefined) => (x === undefined ? undefined : Number(x));
  if (d !== undefined) return Number(d) * 86400 + Number(a) * 3600 + (n(b) ?? 0) * 60 + (n(c) ?? 0);
  if (c !== undefined) return Number(a) * 3600 + Number(b) * 60 + Number(c);
  if (b !== undefined) return Number(a) * 60 + Number(b);
  return Number(a) * 60;
}

/** A GRES list (`gpu:a100:4(S:0-1),token:2`) as name[:type] → count. */
export function parseGres(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (!text || text === '(null)') return out;
  for (const item of text.split(/,(?![^(]*\))/)) {
    const clean = item.replace(/\(.*\)$/, '').trim();
    if (clean === '') continue;
    const parts = clean.split(':');
    const last = parts[parts.length - 1] ?? '';
    const count = /^\d+$/.test(last) ? Number(last) : 1;
    const name = /^\d+$/.test(last) ? parts.slice(0, -1).join(':') : clean;
    out.set(name, (out.get(name) ?? 0) + count);
  }
  return out;
}
