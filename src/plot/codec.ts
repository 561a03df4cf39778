/**
 * Output-log readings as they travel in an operation's trailer.
 *
 * A chart commit must be re-applied on another clone's moved head (replay),
 * where the output logs do not exist. So the operation carries the log's
 * readings, already bounded by `downsampleSegment` (≤ ~1,400 points a series
 * at worst, ~600 for a smooth one), as compact text: `step:value` pairs
 * separated by spaces, values to 6 significant digits (far below a pixel),
 * NaN and infinities spelled out. A 100,000-step run's three series are ~15 KB
 * of trailer. Status entries are not carried: they are in the run log the
 * operation is applied to, so a replay also draws entries another clone added.
 *
 * A trailer may come from anyone's clone: decoding checks every token and
 * the sizes, and a bad one is an error, never a half-drawn chart.
 */
import { z } from 'zod';
import { failed } from '../core/errors.js';
import { BUCKETS, downsampleSegment, sortPoints } from './downsample.js';
import { MAX_ATTEMPTS, SAFE_UNIT, type AttemptReadings } from './readings.js';
import type { Point } from './types.js';

/** Generous over the ~1,400 points a bounded series has at worst (~20 bytes each). */
const MAX_SERIES_CHARS = 64 * 1024;

const Encoded = z.string().max(MAX_SERIES_CHARS);

export const EncodedReadingsSchema = z
  .object({
    attempt: z.number().int().min(1).max(MAX_ATTEMPTS),
    train: Encoded.optional(),
    val: Encoded.optional(),
    throughput: z.record(z.string().regex(SAFE_UNIT), Encoded).optional(),
  })
  .strict();

export const EncodedLogSchema = z.array(EncodedReadingsSchema).max(MAX_ATTEMPTS);

export type EncodedReadings = z.infer<typeof EncodedReadingsSchema>;

function value(y: number): string {
  if (Number.isNaN(y)) return 'nan';
  if (y === Infinity) return 'inf';
  if (y === -Infinity) return '-inf';
  return String(Number(y.toPrecision(6)));
}

export function encodeSeries(points: readonly Point[]): string {
  return downsampleSegment(sortPoints(points), BUCKETS)
    .map(([x, y]) => `${String(x)}:${value(y)}`)
    .join(' ');
}

const NUMBER = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i;

function parseValue(token: string): number | undefined {
  if (token === 'nan') return Number.NaN;
  if (token === 'inf') return Infinity;
  if (token === '-inf') return -Infinity;
  return NUMBER.test(token) ? Number(token) : undefined;
}

export function decodeSeries(text: string | undefined, where: string): Point[] {
  if (!text) return [];
  return text.split(' ').map((pair, i) => {
    const [xs, ys, extra] = pair.split(':');
    const x = xs !== undefined && NUMBER.test(xs) ? Number(xs) : undefined;
    const y = ys === undefined ? undefined : parseValue(ys);
    if (x === undefined || !Number.isFinite(x) || y === undefined || extra !== undefined) {
      throw failed(
        'BAD_OPERATION',
        `the chart readings of ${where} are malformed at reading ${i + 1} (${JSON.stringify(pair.slice(0, 40))})`,
        'the commit that carries them was not written by runlog; redraw the chart with `runlog plot <run>`',
      );
    }
    return [x, y] as const;
  });
}

export function encodeReadings(readings: readonly AttemptReadings[]): EncodedReadings[] {
  return readings.map((r) => {
    const out: EncodedReadings = { attempt: r.attempt };
    if (r.train.length > 0) out.train = encodeSeries(r.train);
    if (r.val.length > 0) out.val = encodeSeries(r.val);
    const units = Object.keys(r.throughput)
      .filter((u) => r.throughput[u]!.length > 0)
      .sort();
    if (units.length > 0) out.throughput = Object.fromEntries(units.map((u) => [u, encodeSeries(r.throughput[u]!)]));
    return out;
  });
}

export function decodeReadings(encoded: unknown, where: string): AttemptReadings[] {
  const parsed = EncodedLogSchema.safeParse(encoded);
  if (!parsed.success) {
    throw failed(
      'BAD_OPERATION',
      `the chart readings of ${where} are not in runlog's shape: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      'the commit that carries them was not written by runlog; redraw the chart with `runlog plot <run>`',
    );
  }
  return parsed.data.map((e) => ({
    attempt: e.attempt,
    train: decodeSeries(e.train, where),
    val: decodeSeries(e.val, where),
    throughput: Object.fromEntries(Object.entries(e.throughput ?? {}).map(([u, s]) => [u, decodeSeries(s, where)])),
  }));
}
