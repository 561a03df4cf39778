/**
 * A loss curve in one line of plain Unicode block characters, for `show` in
 * a terminal. No colour and no escape codes, so it reads the same in any
 * terminal, pager or log; a bucket with only NaN/Inf readings is `×`.
 */
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
