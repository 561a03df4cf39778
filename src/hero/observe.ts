/**
 * What one babysitting cycle sees: the job (through its executor, from the
 * handle the run log recorded), the output log's progress, the checkpoints
 * under the output root and the W&B offline summary. Every source may be
 * missing (a hand-kept logbook has no run log); what could not be read is
 * said, never guessed.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { JobHandle, JobObservation } from '../executors/types.js';
import type { RunLogDoc } from '../markdown/runlog.js';
import type { Checkpoint } from '../checkpoints/index.js';
import type { ProgressRecord } from '../signals/progress.js';
import type { AttemptRecord } from '../jobs/attempt.js';
import type { SuperviseContext } from '../jobs/context.js';

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

export async function observe(ctx: SuperviseContext, runLog: string | null, outputRoot: string | null, logOverride?: string): Promise<Observation> {
  const { readRunDoc } = await import('../jobs/launch.js');
  const { latestAttempt, handleOf } = await import('../jobs/attempt.js');
  const { parseProgress, readTail } = await import('../signals/progress.js');
  const out: Observation = { runLog, doc: null, attempt: null, attempts: [], handle: null, job: null, transportError: null, logPath: logOverride ?? null, logMtime: null, tail: '', records: [], checkpoints: null, wandb: null };

  if (runLog) {
    out.doc = readRunDoc(ctx, runLog);
    out.attempts = out.doc.view.jobs.map((j) => j.fields);
    out.attempt = latestAttempt(out.doc) ?? null;
    out.handle = out.attempt ? (handleOf(out.attempt) ?? null) : null;
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
  if (out.logPath && existsSync(out.logPath)) {
    out.logMtime = statSync(out.logPath).mtimeMs;
    out.tail = await readTail(out.logPath, 256 * 1024);
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
        const step = [s['_step'], s['global_step'], s['trainer/global_step']].find((v) => typeof v === 'number') as number | undefined;
        out.wandb = { id: latest.id, step: step ?? null };
      }
    }
  }
  return out;
}

/** The output log of an earlier attempt (for the resume-loss check), if the run log recorded it. */
export function attemptLog(fields: Record<string, string>): string | null {
  const v = (fields['output_log'] ?? '').replace(/`/g, '').trim();
  return v !== '' && existsSync(v) ? v : null;
}
