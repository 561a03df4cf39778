/**
 * A run's state from one poll report, the same phases every executor uses:
 * - an exit_code file is the command's own ending (0 completed, else failed,
 *   or canceled when runlog asked it to stop);
 * - a boot id other than the one at launch: the job died with the host;
 * - no live process and no exit code: the job was killed;
 * - the recorded leader alive (same start time), or any member of its
 *   group: running.
 * Worker times are moved onto this machine's clock by the difference the
 * same call measured, never by comparing the two clocks directly.
 */
import type { JobObservation } from '../types.js';
import { signalOfStatus, type RunReport } from './protocol.js';
import type { SshAttemptRecord } from './state.js';

export interface ObserveContext {
  /** The worker's boot id now. */
  bootId: string;
  /** Add to a worker epoch-ms to get this machine's epoch-ms. */
  clockOffsetMs: number;
}

const DEAD = new Set(['none', 'Z', 'X']);

function workerTime(epochSec: string | undefined, ctx: ObserveContext): string | undefined {
  const n = Number(epochSec);
  return epochSec === undefined || epochSec === '' || !Number.isFinite(n)
    ? undefined
    : new Date(n * 1000 + ctx.clockOffsetMs).toISOString();
}

export function observeRun(
  jobId: string,
  record: SshAttemptRecord,
  run: RunReport,
  ctx: ObserveContext,
): JobObservation {
  const f = run.fields;
  const node = record.host;
  const where = `${record.destination}:${record.dir}`;
  if (f['missing'] === '1')
    return { jobId, phase: 'unknown', node, evidence: `${where} no longer exists on the worker` };
  const key = `${record.key} ${record.launchId}`;
  if (f['key'] !== undefined && f['key'] !== key) {
    return {
      jobId,
      phase: 'unknown',
      node,
      evidence: `${where} holds attempt ${f['key']}, not the one this machine launched (${key})`,
    };
  }
  const base = { jobId, node, startedAt: workerTime(f['started'], ctx) };
  const exitText = f['exit_code'];
  if (exitText !== undefined && /^\d+$/.test(exitText)) {
    const exitCode = Number(exitText);
    const endedAt = workerTime(f['ended'], ctx);
    const signal = signalOfStatus(exitCode);
    const stopped = f['stop'] === '1';
    const phase = exitCode === 0 && !stopped ? 'completed' : stopped ? 'canceled' : 'failed';
    return {
      ...base,
      phase,
      exitCode,
      signal,
      endedAt,
      evidence: `exit_code ${exitCode}${stopped ? ' after runlog stop' : ''} in ${where}`,
    };
  }
  const launchBoot = record.bootId ?? f['boot_id'];
  if (launchBoot && ctx.bootId && launchBoot !== ctx.bootId) {
    return {
      ...base,
      phase: 'node_failure',
      reason: 'worker rebooted',
      evidence: `${record.destination} rebooted since launch (boot id ${launchBoot} → ${ctx.bootId}); the job died with it`,
    };
  }
  const pid = Number(f['pid'] ?? record.pid);
  if (!Number.isInteger(pid) || pid <= 1) return { ...base, phase: 'unknown', evidence: `${where} has no pid file` };
  if (record.pid !== undefined && pid !== record.pid) {
    return {
      ...base,
      phase: 'unknown',
      evidence: `${where}/pid names ${pid}, but this machine launched pid ${record.pid}`,
    };
  }
  const state = f['cur_state'] ?? 'none';
  const sameProcess = !DEAD.has(state) && (record.pidStart === undefined || f['cur_start'] === record.pidStart);
  if (sameProcess)
    return { ...base, phase: 'running', evidence: `pid ${pid} alive on ${record.destination} (state ${state})` };
  if (f['group'] === '1')
    return {
      ...base,
      phase: 'running',
      evidence: `pid ${pid} is gone but its process group still runs on ${record.destination}`,
    };
  if (f['stop'] === '1')
    return {
      ...base,
      phase: 'canceled',
      evidence: `stopped by runlog: pid ${pid} and its group are gone on ${record.destination}`,
    };
  const why = DEAD.has(state)
    ? 'is gone'
    : `now belongs to another process (start ${f['cur_start']}, launched ${record.pidStart})`;
  return {
    ...base,
    phase: 'failed',
    reason: 'killed',
    evidence: `killed: pid ${pid} ${why} on ${record.destination} and no exit_code was written`,
  };
}
