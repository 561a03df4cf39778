/**
 * What one babysitting cycle sees: the job (through its executor, from the
 * handle this machine recorded when it launched it), the output log's progress, the checkpoints
 * under the output root and the W&B offline summary. Every source may be
 * missing (a hand-kept logbook has no run log); what could not be read is
 * said, never guessed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { JobHandle, JobObservation } from '../executors/types.js';
import type { RunLogDoc } from '../markdown/runlog.js';
import type { Checkpoint } from '../checkpoints/index.js';
import type { ProgressRecord } from '../signals/progress.js';
import type { AttemptRecord } from '../jobs/attempt.js';
import type { SuperviseContext } from '../jobs/context.js';
import { jobOfAttempt } from '../jobs/plan.js';
import type { LocalState } from '../executors/state.js';

export interface Observation {
  runLog: string | null;
  doc: RunLogDoc | null;
  attempt: AttemptRecord | null;
  /** Every attempt's Job block fields, oldest first (for repeated-failure and resume checks). */
  attempts: Record<string, string>[];
  handle: JobHandle | null;
  job: JobObservation | null;
  /** The executor could not be asked (transport trouble): our monitor is blind, the run may be fine. */
  transportError: string | null;
  logPath: string | null;
  logMtime: number | null;
  tail: string;
  records: ProgressRecord[];
  checkpoints: Checkpoint[] | null;
  wandb: { id: string; step: number | null } | null;
}

export async function observe(
  ctx: SuperviseContext,
  runLog: string | null,
  outputRoot: string | null,
  logOverride?: string,
): Promise<Observation> {
  const { readRunDoc } = await import('../jobs/launch.js');
  const { latestAttempt } = await import('../jobs/attempt.js');
  const { parseProgress, readTail } = await import('../signals/progress.js');
  const { readRegularTail } = await import('../core/confined-fs.js');
  const out: Observation = {
    runLog,
    doc: null,
    attempt: null,
    attempts: [],
    handle: null,
    job: null,
    transportError: null,
    logPath: logOverride ?? null,
    logMtime: null,
    tail: '',
    records: [],
    checkpoints: null,
    wandb: null,
  };

  if (runLog) {
    out.doc = readRunDoc(ctx, runLog);
    out.attempts = out.doc.view.jobs.map((j) => j.fields);
    out.attempt = latestAttempt(out.doc) ?? null;
    // Only a job this machine launched is asked about, and only its own output log is read.
    const job = out.attempt ? jobOfAttempt(ctx.state, out.attempt) : 'none';
    out.handle = typeof job === 'string' ? null : job;
    if (out.handle) {
      try {
        const executor = await ctx.executor(out.handle.executor, out.attempt?.cluster);
        const polled = await executor.poll([out.handle]);
        if (polled.transportError) out.transportError = polled.transportError;
        out.job = polled.jobs.get(out.handle.jobId) ?? null;
      } catch (err) {
        out.transportError = err instanceof Error ? err.message : String(err);
      }
      out.logPath ??= out.handle.outputPath;
    }
  }
  const log = out.logPath ? readRegularTail(out.logPath, 0) : null;
  if (out.logPath && log) {
    out.logMtime = log.mtimeMs;
    out.tail = await readTail(out.logPath, 256 * 1024).catch(() => '');
    out.records = parseProgress(out.tail);
  }
  if (outputRoot?.startsWith('/') && existsSync(outputRoot)) {
    const { listCheckpoints } = await import('../checkpoints/index.js');
    out.checkpoints = await listCheckpoints(outputRoot).catch(() => null);
    const wandbDir = join(outputRoot, 'wandb');
    if (existsSync(wandbDir)) {
      const { readWandbRuns } = await import('../wandb/index.js');
      const runs = await readWandbRuns(wandbDir).catch(() => []);
      const latest = runs.at(-1);
      if (latest) {
        const s = latest.summary ?? {};
        const step = [s['_step'], s['global_step'], s['trainer/global_step']].find((v) => typeof v === 'number') as
          | number
          | undefined;
        out.wandb = { id: latest.id, step: step ?? null };
      }
    }
  }
  return out;
}

/** The output log of an earlier attempt (for the resume-loss check), if the run log recorded it. */
/** The output log of an earlier attempt, when this machine launched it (never a path its Job block names). */
export function attemptLog(state: LocalState, fields: Record<string, string>): string | null {
  const plain = (k: string) => (fields[k] ?? '').replace(/`/g, '').trim() || undefined;
  const job = jobOfAttempt(state, { idempotencyKey: plain('idempotency_key'), jobId: plain('execution_id') });
  return typeof job === 'string' ? null : job.outputPath;
}
