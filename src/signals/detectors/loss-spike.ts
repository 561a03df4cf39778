import { formatNumber, median } from '../numbers.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds, type Finding, type SeriesPoint } from './types.js';

/** Points needed before a trend is trusted. */
const MIN_TREND_POINTS = 5;

interface Streak {
  trend: number;
  points: SeriesPoint[];
}

const above = (value: number, trend: number, ratio: number): boolean => value - trend > ratio * Math.abs(trend);

/**
 * Loss held more than `lossSpikeRatio` above its trend (the median of the
 * last `lossTrendWindow` ordinary points) for at least `lossSpikeMinSteps`
 * steps, counted as covered steps at the logging stride and never from a
 * single point. Steps before `warmupSteps` are ignored; non-finite values
 * are left to detectNonFinite. Reports the most recent sustained spike.
 */
export function detectLossSpike(
  series: readonly SeriesPoint[],
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const points = series
    .filter((p) => Number.isFinite(p.value) && p.step >= thresholds.warmupSteps)
    .sort((a, b) => a.step - b.step);
  const deltas = points
    .slice(1)
    .map((p, i) => p.step - points[i]!.step)
    .filter((d) => d > 0);
  const stride = deltas.length ? median(deltas) : 1;
  const covered = (s: Streak): number => s.points.at(-1)!.step - s.points[0]!.step + stride;
  const sustained = (s: Streak): boolean => s.points.length >= 2 && covered(s) >= thresholds.lossSpikeMinSteps;

  const history: number[] = [];
  let streak: Streak | undefined;
  let found: { streak: Streak; ongoing: boolean } | undefined;
  for (const p of points) {
    if (streak) {
      if (above(p.value, streak.trend, thresholds.lossSpikeRatio)) {
        streak.points.push(p);
        continue;
      }
      if (sustained(streak)) found = { streak, ongoing: false };
      streak = undefined;
    }
    if (history.length >= MIN_TREND_POINTS) {
      const trend = median(history.slice(-thresholds.lossTrendWindow));
      if (above(p.value, trend, thresholds.lossSpikeRatio)) {
        streak = { trend, points: [p] };
        continue;
      }
    }
    history.push(p.value);
  }
  if (streak && sustained(streak)) found = { streak, ongoing: true };
  if (!found) return [];

  const { points: spike, trend } = found.streak;
  const first = spike[0]!;
  const last = spike.at(-1)!;
  const peak = Math.max(...spike.map((p) => p.value));
  const percent = Math.round(((peak - trend) / Math.abs(trend)) * 100);
  return [
    {
      detector: 'loss_spike',
      severity: found.ongoing ? 'alert' : 'warn',
      kind: 'run_unhealthy',
      message: found.ongoing
        ? `Loss has been more than ${Math.round(thresholds.lossSpikeRatio * 100)}% above trend for ${covered(found.streak)} steps and has not recovered`
        : `Loss spiked more than ${Math.round(thresholds.lossSpikeRatio * 100)}% above trend for ${covered(found.streak)} steps, then recovered`,
      evidence: `steps ${first.step}–${last.step}: loss ${formatNumber(first.value)} → ${formatNumber(last.value)} (peak ${formatNumber(peak)}, +${percent}%) vs trend ${formatNumber(trend)} over ${spike.length} logged points`,
      next: found.ongoing
        ? `Alert the DRI; check grad norm, learning rate and the data around step ${first.step}; if it does not come back, agree a rollback to a complete checkpoint before step ${first.step}.`
        : `Note it in the logbook and watch the next cadences; look at the data and grad norm around step ${first.step} if it recurs.`,
    },
  ];
}
