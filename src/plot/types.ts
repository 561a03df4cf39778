/**
 * What a chart is drawn from. Plain data: the renderer is a pure function of
 * these values, so the same readings always give the same bytes.
 */

/** One reading: x is a training step; y may be NaN or ±Infinity (drawn as a gap with a red tick). */
export type Point = readonly [x: number, y: number];

/**
 * A series split into segments that are never joined by a line: one segment
 * per attempt, so a resume that starts again from an earlier step shows as a
 * second line over the first, not as a line drawn backwards.
 */
export interface Series {
  label: string;
  segments: Point[][];
}

/** A vertical marker at a step: where an attempt started, the final checkpoint. */
export interface Mark {
  kind: 'attempt' | 'checkpoint';
  step: number;
  label: string;
}

export interface RunChart {
  /** Shown at the top; the run id. */
  title: string;
  train: Series;
  val: Series;
  /** `unit` is the axis label (`tokens/s`, `it/s`). */
  throughput: Series & { unit: string };
  marks: Mark[];
}
