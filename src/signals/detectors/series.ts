import type { ProgressRecord } from '../progress.js';
import type { SeriesPoint } from './types.js';

/** A detector series from progress records: the points that have both a step and the field. */
export function seriesOf(records: readonly ProgressRecord[], field: 'loss' | 'gradNorm' | 'epoch'): SeriesPoint[] {
  return records.flatMap((r) =>
    r.step !== undefined && r[field] !== undefined ? [{ step: r.step, value: r[field]! }] : [],
  );
}
