/**
 * `runlog supervise`: passes at a fixed interval until told to stop
 * (SIGTERM/SIGINT end it after the current pass). It starts with a pass, so
 * a restart reconciles at once: jobs that ended while nobody watched get
 * their true ending, launches cut off mid-way are adopted by key, and
 * retries that came due are launched.
 */
import type { SuperviseContext } from './context.js';
import type { ProgressMemo } from './decide.js';
import { pollPass, type MonitorMemo, type PassChange, type PassReport } from './pass.js';
import { sleep } from '../core/backoff.js';

export interface LoopOptions {
  everyMs: number;
  /** Stop after this many passes (0: no limit). */
  maxPasses?: number;
  /** Stop once no run is active or waiting for a launch. */
  exitWhenIdle?: boolean;
  signal?: AbortSignal;
  onPass?: (report: PassReport) => void;
  onChange?: (change: PassChange) => void;
}

export interface LoopSummary {
  passes: number;
  changes: PassChange[];
  executorQueries: number;
  stoppedBy: 'signal' | 'idle' | 'max_passes';
}

export async function superviseLoop(ctx: SuperviseContext, opts: LoopOptions): Promise<LoopSummary> {
  const memo = new Map<string, ProgressMemo>();
  const monitor = new Map<string, MonitorMemo>();
  const summary: LoopSummary = { passes: 0, changes: [], executorQueries: 0, stoppedBy: 'signal' };
  while (!opts.signal?.aborted) {
    const report = await pollPass(ctx, { memo, monitor, onChange: opts.onChange });
    summary.passes++;
    summary.changes.push(...report.changes);
    summary.executorQueries += report.executorQueries;
    opts.onPass?.(report);
    if (opts.exitWhenIdle && report.runs === 0) {
      summary.stoppedBy = 'idle';
      break;
    }
    if (opts.maxPasses && summary.passes >= opts.maxPasses) {
      summary.stoppedBy = 'max_passes';
      break;
    }
    await sleep(opts.everyMs, opts.signal);
  }
  return summary;
}
