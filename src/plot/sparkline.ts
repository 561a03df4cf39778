/**
 * A loss curve in one line of plain Unicode block characters, for `show` in
 * a terminal. No colour and no escape codes, so it reads the same in any
 * terminal, pager or log; a bucket with only NaN/Inf readings is `×`.
 */
import type { StatusEntry } from '../markdown/status-line.js';
import { firstMetric, TRAIN_KEYS } from './keys.js';

const BARS = '▁▂▃▄▅▆▇█';

/** At most `width` characters; longer series are averaged per bucket. */
export function sparkline(values: readonly number[], width = 48): string {
  if (values.length === 0 || width < 1) return '';
  const buckets = Math.min(width, values.length);
  const means: number[] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * values.length) / buckets);
    const to = Math.floor(((b + 1) * values.length) / buckets);
    let sum = 0;
    let n = 0;
    for (let i = from; i < to; i++) {
      if (Number.isFinite(values[i])) {
        sum += values[i]!;
        n++;
      }
    }
    means.push(n > 0 ? sum / n : Number.NaN);
  }
  const finite = means.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return means
    .map((m) => {
      if (!Number.isFinite(m)) return '×';
      if (hi === lo) return BARS[3];
      return BARS[Math.min(BARS.length - 1, Math.floor(((m - lo) / (hi - lo)) * BARS.length))];
    })
    .join('');
}

/** `loss ▇▅▃▂▁ 3 → 0.75 (steps 100–400)` from the Status entries; null when fewer than two carry a loss. */
export function lossSparkline(status: readonly Pick<StatusEntry, 'step' | 'metrics'>[], width = 40): string | null {
  const points = status
    .map((e) => [e.step, firstMetric(e.metrics, TRAIN_KEYS)] as const)
    .filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== undefined)
    .sort((a, b) => a[0] - b[0]);
  if (points.length < 2) return null;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return `loss ${sparkline(
    points.map((p) => p[1]),
    width,
  )}  ${first[1]} → ${last[1]} (steps ${first[0]}–${last[0]})`;
}
