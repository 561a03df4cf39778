import { formatNumber, median } from '../numbers.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds, type Finding } from './types.js';

/** Throughput as measured at one check cadence (e.g. the mean over the last 15 minutes). */
export interface CadenceSample {
  value: number;
  at?: string;
  step?: number;
}

export interface ThroughputInput {
  /** Oldest first, one per cadence. */
  samples: readonly CadenceSample[];
  /** Known-good throughput; default: the median of the cadences that were not low. */
  baseline?: number;
  unit?: string;
}

/**
 * Sustained throughput collapse: the last `throughputMinCadences` or more
 * cadences all sit more than `throughputDrop` below baseline. A single dip
 * (checkpoint write, eval) breaks the streak and does not fire.
 */
export function detectThroughputCollapse(
  input: ThroughputInput,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const samples = input.samples.filter((s) => Number.isFinite(s.value));
  const limitFor = (baseline: number) => baseline * (1 - thresholds.throughputDrop);
  // Low cadences never join the history, so a long collapse cannot become its own baseline.
  const healthy: number[] = [];
  let streak = 0;
  for (const { value } of samples) {
    const base = input.baseline ?? median(healthy);
    if (Number.isFinite(base) && value < limitFor(base)) {
      streak++;
    } else {
      healthy.push(value);
      streak = 0;
    }
  }
  const baseline = input.baseline ?? median(healthy);
  if (streak < thresholds.throughputMinCadences || !Number.isFinite(baseline) || baseline <= 0) return [];

  const start = samples.length - streak;
  const low = samples.slice(start).map((s) => s.value);
  const current = median(low);
  const drop = Math.round((1 - current / baseline) * 100);
  const unit = input.unit ? ` ${input.unit}` : '';
  const first = samples[start]!;
  const since = first.at ?? (first.step !== undefined ? `step ${first.step}` : undefined);
  return [
    {
      detector: 'throughput_collapse',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: `Throughput is ${drop}% below baseline for ${streak} consecutive cadences`,
      evidence: `last ${streak} cadences: ${low.map((v) => formatNumber(v)).join(', ')}${unit} vs baseline ${formatNumber(baseline)}${unit}${since ? ` (since ${since})` : ''}`,
      next: 'Alert the DRI; look for a degraded host, input pipeline or checkpoint stalls, compile churn or retry loops in the log; do not restart without the DRI.',
    },
  ];
}
