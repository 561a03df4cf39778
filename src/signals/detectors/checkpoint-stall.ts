import { median } from '../numbers.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds, type Finding } from './types.js';

export interface CheckpointInfo {
  /** Parsed numeric step (never sort paths lexicographically). */
  step: number;
  /** True when the checkpoint has its `metadata.json`. */
  complete: boolean;
  path?: string;
}

export interface CheckpointStallInput {
  checkpoints: readonly CheckpointInfo[];
  /** Progress records or any `{ step }` series from the output. */
  progress: readonly { step?: number }[];
  /** Steps between checkpoints from the launched config; default: inferred from the complete ones. */
  interval?: number;
}

const name = (c: CheckpointInfo): string => (c.path ? `${c.path} (step ${c.step})` : `step ${c.step}`);

/**
 * Training steps move but complete checkpoints do not: the rollback window
 * is shrinking. Fires when training is more than `checkpointIntervalFactor`
 * intervals past the newest complete checkpoint, and when the newest
 * checkpoint has no `metadata.json` (a write in flight, or a stuck one).
 */
export function detectCheckpointStall(
  input: CheckpointStallInput,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const steps = input.progress.map((p) => p.step).filter((s): s is number => s !== undefined && Number.isFinite(s));
  if (steps.length === 0) return [];
  const latestStep = Math.max(...steps);
  const sorted = [...input.checkpoints].sort((a, b) => a.step - b.step);
  const complete = sorted.filter((c) => c.complete);
  const newestComplete = complete.at(-1);
  const completeGaps = complete
    .slice(1)
    .map((c, i) => c.step - complete[i]!.step)
    .filter((d) => d > 0);
  const interval = input.interval ?? (completeGaps.length ? median(completeGaps) : undefined);
  const findings: Finding[] = [];

  const newest = sorted.at(-1);
  if (newest && !newest.complete) {
    const stuck = interval !== undefined && latestStep - newest.step > interval;
    findings.push({
      detector: 'checkpoint_stall',
      severity: stuck ? 'alert' : 'warn',
      kind: 'run_unhealthy',
      message: stuck
        ? `The newest checkpoint has no metadata.json and training has moved ${latestStep - newest.step} steps past it`
        : 'The newest checkpoint has no metadata.json yet',
      evidence: `newest checkpoint ${name(newest)} lacks metadata.json; newest complete ${newestComplete ? name(newestComplete) : 'none'}; latest step ${latestStep}`,
      next: stuck
        ? 'Alert the DRI: the write looks stuck; check storage and the checkpointer, and never resume from this checkpoint.'
        : 'Check again next cadence; if metadata.json is still missing the write is stuck. Never resume from an incomplete checkpoint.',
    });
  }

  if (interval !== undefined && interval > 0) {
    const anchor = newestComplete?.step ?? Math.min(...steps);
    const gap = latestStep - anchor;
    if (gap > thresholds.checkpointIntervalFactor * interval) {
      findings.push({
        detector: 'checkpoint_stall',
        severity: 'alert',
        kind: 'run_unhealthy',
        message: `Training is ${gap} steps past the newest complete checkpoint (interval ${interval})`,
        evidence: `latest step ${latestStep}; newest complete checkpoint ${newestComplete ? name(newestComplete) : 'none'}; ${sorted.length} checkpoints listed, ${complete.length} complete`,
        next: 'Alert the DRI before the rollback window collapses: check checkpoint writes (storage, permissions, quota) and that cleanup is not deleting them.',
      });
    }
  }
  return findings;
}
