import { formatNumber } from '../numbers.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds, type Finding, type SeriesPoint } from './types.js';

export interface ResumeMismatchInput {
  /** Loss of the accepted lineage before the resume. */
  previous: readonly SeriesPoint[];
  /** Loss of the resumed attempt. */
  current: readonly SeriesPoint[];
  /** Step of the checkpoint the attempt resumed from. */
  resumeStep: number;
}

interface Violation {
  step: number;
  previous: number;
  current: number;
  phase: 'catch-up' | 'after warmup';
  /** How many times the allowed difference it is. */
  excess: number;
}

/**
 * A resumed attempt replays steps the previous lineage already logged; its
 * loss should match. For the first `resumeCatchupSteps` steps after the
 * resume the absolute difference must stay within `resumeCatchupAbs`; after
 * that, where drift can accumulate, within `resumeRelative` of the old value.
 * Only steps both lineages logged are compared.
 */
export function detectResumeMismatch(
  input: ResumeMismatchInput,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const before = new Map<number, number>();
  for (const p of input.previous) if (Number.isFinite(p.value)) before.set(p.step, p.value);
  const violations: Violation[] = [];
  let compared = 0;
  for (const p of input.current) {
    const old = before.get(p.step);
    if (p.step < input.resumeStep || old === undefined || !Number.isFinite(p.value)) continue;
    compared++;
    const diff = Math.abs(p.value - old);
    const catchUp = p.step - input.resumeStep <= thresholds.resumeCatchupSteps;
    const allowed = catchUp ? thresholds.resumeCatchupAbs : thresholds.resumeRelative * Math.abs(old);
    if (diff > allowed) {
      violations.push({
        step: p.step,
        previous: old,
        current: p.value,
        phase: catchUp ? 'catch-up' : 'after warmup',
        excess: allowed > 0 ? diff / allowed : Infinity,
      });
    }
  }
  if (violations.length === 0) return [];
  const worst = violations.reduce((a, b) => (b.excess > a.excess ? b : a));
  const diff = Math.abs(worst.current - worst.previous);
  const bound =
    worst.phase === 'catch-up'
      ? `limit ${formatNumber(thresholds.resumeCatchupAbs)} absolute during catch-up`
      : `${formatNumber((diff / Math.abs(worst.previous)) * 100)}%, limit ${formatNumber(thresholds.resumeRelative * 100)}% after warmup`;
  return [
    {
      detector: 'resume_loss_mismatch',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: `The resumed attempt's loss differs from the previous lineage at ${violations.length} of ${compared} shared steps`,
      evidence: `step ${worst.step}: loss ${formatNumber(worst.current)} now vs ${formatNumber(worst.previous)} before resume from step ${input.resumeStep} (difference ${formatNumber(diff)}; ${bound})`,
      next: 'Alert the DRI: verify the resume checkpoint (step, metadata.json, lineage), the data position and the config against the prior instance before letting it run on.',
    },
  ];
}
