/**
 * Bounded series for a chart whatever the run's length: min/max per bucket.
 *
 * A 100,000-step run drawn point by point is ~1.2 MB of path text; a chart is
 * ~600 px wide, so each ~3 px bucket keeps only the readings that change what
 * is seen: its lowest and highest (a spike survives), the first non-finite
 * reading (a NaN becomes a visible break and a red tick, never a silently
 * joined line), the extremes after that gap, and the series' first and last
 * readings (where the curve starts and ends). At most 7 readings a bucket, 2–3
 * in practice, in their original order; for 200 buckets a series stays under
 * ~1,500 points and the whole SVG under 60 KB (test/unit/plot checks the
 * worst case: NaN every other step, many resumes).
 *
 * Segments (attempts) share the bucket budget in proportion to the steps
 * they span, so twenty resumes cost no more than one long attempt.
 */
import type { Point } from './types.js';

/** Buckets across the plot width (~3 px each at the run chart's width). */
export const BUCKETS = 200;

interface Extremes {
  min: number;
  max: number;
}

function extend(e: Extremes | null, i: number, seg: readonly Point[]): Extremes {
  if (!e) return { min: i, max: i };
  const y = seg[i]![1];
  if (y < seg[e.min]![1]) e.min = i;
  if (y > seg[e.max]![1]) e.max = i;
  return e;
}

/** One segment, sorted by step, into at most ~7 readings per bucket. */
export function downsampleSegment(seg: readonly Point[], buckets: number): Point[] {
  if (seg.length <= 2 || buckets < 1) return seg.slice();
  const x0 = seg[0]![0];
  const width = (seg[seg.length - 1]![0] - x0) / buckets;
  const keep: number[] = [];
  let bucket = -1;
  let pre: Extremes | null = null;
  let post: Extremes | null = null;
  let gap = -1;
  const flush = () => {
    const chosen = [pre?.min, pre?.max, gap >= 0 ? gap : undefined, post?.min, post?.max].filter(
      (i): i is number => i !== undefined,
    );
    keep.push(...new Set(chosen));
    pre = post = null;
    gap = -1;
  };
  for (let i = 0; i < seg.length; i++) {
    const x = seg[i]![0];
    const b = width > 0 ? Math.min(buckets - 1, Math.floor((x - x0) / width)) : 0;
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    if (!Number.isFinite(seg[i]![1])) {
      if (gap < 0) gap = i;
    } else if (gap >= 0) {
      post = extend(post, i, seg);
    } else {
      pre = extend(pre, i, seg);
    }
  }
  flush();
  keep.push(0, seg.length - 1);
  return [...new Set(keep)].sort((a, b) => a - b).map((i) => seg[i]!);
}

function cmpValue(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  return a - b || 0;
}

/**
 * By step, then by value, readings without a usable step dropped: two
 * sources listing the same readings in another order draw the same path.
 */
export function sortPoints(points: readonly Point[]): Point[] {
  const cmp = (a: Point, b: Point) => a[0] - b[0] || cmpValue(a[1], b[1]);
  const out = points.filter((p) => Number.isFinite(p[0]));
  // A log is read in step order: checking is O(n), sorting 100,000 readings is not.
  for (let i = 1; i < out.length; i++) if (cmp(out[i - 1]!, out[i]!) > 0) return out.sort(cmp);
  return out;
}

/** Every segment of a series, sharing `buckets` in proportion to the steps each spans. */
export function downsampleSegments(segments: readonly (readonly Point[])[], buckets = BUCKETS): Point[][] {
  const spans = segments.map((s) => (s.length > 1 ? s[s.length - 1]![0] - s[0]![0] : 0));
  const total = spans.reduce((a, b) => a + b, 0);
  return segments.map((s, i) =>
    downsampleSegment(s, total > 0 ? Math.max(1, Math.round((buckets * spans[i]!) / total)) : 1),
  );
}
