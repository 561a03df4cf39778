/**
 * A whole output log's readings, fast enough for a chart of a 100,000-step
 * run: `parseProgress` spends ~18 µs a line trying every format on every
 * line (1.8 s for 100,000 lines); training logs print the same line shape
 * over and over with only the numbers changing.
 *
 * So each line's *shape* (the line with its numbers taken out) is parsed by
 * `parseProgress` once, and the numbers that became step, loss, val loss and
 * throughput are located by value among the line's number tokens. Every
 * later line of that shape is read by position: ~1.5 µs a line. A shape
 * whose fields cannot be located unambiguously (step and epoch both 10, a
 * rate printed in s/it and inverted) is tried again on its next lines, then
 * parsed line by line. Every 500th line read by position is also parsed the
 * slow way; one disagreement and the whole log is parsed the slow way, so
 * the readings are always exactly `parseProgress`'s.
 *
 * User-configured patterns may look at the digits themselves: with any, the
 * log is parsed the slow way.
 */
import { ANSI_CSI, escapeRegExp } from '../core/text.js';
import { parseProgress, type CompiledProgressPattern, type ProgressRecord } from '../signals/progress.js';
import { parseLogNumber } from '../signals/numbers.js';
import { firstMetric, VAL_KEYS } from './keys.js';
import {
  addRecord,
  addThroughput,
  emptyReadings,
  readingsFromLog,
  SAFE_UNIT,
  type AttemptReadings,
} from './readings.js';

const NUM_SOURCE = String.raw`[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:[nN][aA][nN]|[iI][nN][fF](?:[iI][nN][iI][tT][yY])?)\b`;
const NUM = new RegExp(NUM_SOURCE, 'g');
/** As parseProgress: a runaway line is cut. */
const SEGMENT_MAX = 4096;
const RETRIES = 3;
const CHECK_EVERY = 500;

interface Template {
  /**
   * The shape as an anchored regex, each number an atomic group (lookahead +
   * backreference: it takes the whole number, as the scan that made the
   * shape did): one exec reads a line of this shape, no shape string, no map.
   */
  regex: RegExp;
  /** The same shape, sticky and ending at a line break: reads a whole line in place in the log's text. */
  inPlace: RegExp;
  step: number;
  loss?: number;
  val?: number;
  throughput?: { index: number; unit: string };
}

/** 'none': lines of this shape give no reading; 'slow': parse each one. */
type Plan = Template | 'none' | 'slow' | { tries: number };

/** A token as a number: `Number` for the common case, parseLogNumber for nan/inf spellings. */
function value(token: string): number | undefined {
  const v = Number(token);
  return Number.isNaN(v) ? parseLogNumber(token) : v;
}

/** The one token whose value is `v`; undefined when none or several are. */
function locate(values: (number | undefined)[], v: number): number | undefined {
  let found: number | undefined;
  for (let i = 0; i < values.length; i++) {
    if (!Object.is(values[i], v)) continue;
    if (found !== undefined) return undefined;
    found = i;
  }
  return found;
}

function shapeSource(shape: string): string {
  const parts = shape.split('\u0000').map(escapeRegExp);
  return parts.map((p, i) => (i === 0 ? p : `(?=(${NUM_SOURCE}))\\${i}${p}`)).join('');
}

function templateOf(
  record: ProgressRecord | undefined,
  shape: string,
  tokens: string[],
): Template | 'none' | undefined {
  if (!record || record.step === undefined || record.stepCounted) return 'none';
  if (record.throughput && !SAFE_UNIT.test(record.throughput.unit)) return undefined;
  const values = tokens.map(value);
  const step = locate(values, record.step);
  if (step === undefined) return undefined;
  const source = shapeSource(shape);
  const t: Template = { regex: new RegExp(`^${source}$`), inPlace: new RegExp(`${source}(?=\n|$)`, 'y'), step };
  if (record.loss !== undefined) {
    t.loss = locate(values, record.loss);
    if (t.loss === undefined) return undefined;
  }
  const val = firstMetric(record.metrics, VAL_KEYS);
  if (val !== undefined) {
    t.val = locate(values, val);
    if (t.val === undefined) return undefined;
  }
  if (record.throughput) {
    const index = locate(values, record.throughput.value);
    if (index === undefined) return undefined;
    t.throughput = { index, unit: record.throughput.unit };
  }
  return t;
}

/** The readings of one line read by position (`m[i + 1]` is token i), into `r`; the values, for the spot check. */
function byTemplate(
  t: Template,
  m: RegExpExecArray,
  r: AttemptReadings,
): [number, number | undefined, number | undefined, number | undefined] {
  const step = value(m[t.step + 1]!)!;
  const loss = t.loss === undefined ? undefined : value(m[t.loss + 1]!)!;
  const val = t.val === undefined ? undefined : value(m[t.val + 1]!)!;
  const tp = t.throughput ? value(m[t.throughput.index + 1]!)! : undefined;
  if (loss !== undefined) r.train.push([step, loss]);
  if (val !== undefined) r.val.push([step, val]);
  if (tp !== undefined) addThroughput(r, t.throughput!.unit, step, tp);
  return [step, loss, val, tp];
}

const agrees = (got: ReturnType<typeof byTemplate>, b: ProgressRecord | undefined): boolean =>
  b !== undefined &&
  !b.stepCounted &&
  Object.is(got[0], b.step) &&
  Object.is(got[1], b.loss) &&
  Object.is(got[2], firstMetric(b.metrics, VAL_KEYS)) &&
  Object.is(got[3], b.throughput?.value);

/** The readings, shape by shape; null when a spot check disagreed. */
function fastReadings(text: string, attempt: number): AttemptReadings | null {
  const plans = new Map<string, Plan>();
  const r = emptyReadings(attempt);
  let templated = 0;
  // Training logs repeat one shape: the last line's template is tried first.
  let last: Template | undefined;
  // A line of the last shape is read in place, without a string per line (100,000 lines: the split
  // and trim alone made ~40% of the work and most of the garbage). Only when no line needs the
  // cleaning below: a whole line matching a shape made from a trimmed segment is that segment.
  const inPlace = !text.includes('\r') && !text.includes('\x1b');
  for (let at = 0; at <= text.length; ) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    if (inPlace && last && end - at <= SEGMENT_MAX && end > at) {
      last.inPlace.lastIndex = at;
      const m = last.inPlace.exec(text);
      if (m) {
        at = end + 1;
        const got = byTemplate(last, m, r);
        if (++templated % CHECK_EVERY === 0 && !agrees(got, parseProgress(m[0])[0])) return null;
        continue;
      }
    }
    const line = text.slice(at, end);
    at = end + 1;
    for (const piece of line.includes('\r') ? line.split('\r') : [line]) {
      let segment = piece.length > SEGMENT_MAX ? piece.slice(0, SEGMENT_MAX) : piece;
      if (segment.includes('\x1b')) segment = segment.replace(ANSI_CSI, '');
      segment = segment.trim();
      if (!segment) continue;
      let match = last?.regex.exec(segment);
      if (!match) {
        const shape = segment.replace(NUM, '\u0000');
        const plan = plans.get(shape);
        if (plan === 'none') continue;
        if (plan === undefined || plan === 'slow' || 'tries' in plan) {
          const record = parseProgress(segment)[0];
          if (plan !== 'slow') {
            const t = templateOf(record, shape, segment.match(NUM) ?? []);
            const tries = plan === undefined ? 1 : plan.tries + 1;
            plans.set(shape, t ?? (tries >= RETRIES ? 'slow' : { tries }));
          }
          if (record) addRecord(r, record);
          continue;
        }
        match = plan.regex.exec(segment);
        if (!match) {
          const record = parseProgress(segment)[0];
          if (record) addRecord(r, record);
          continue;
        }
        last = plan;
      }
      const got = byTemplate(last!, match, r);
      if (++templated % CHECK_EVERY === 0 && !agrees(got, parseProgress(segment)[0])) return null;
    }
  }
  return r;
}

/** One attempt's readings from its output log text; exactly what `readingsFromLog(parseProgress(text))` gives. */
export function logReadings(
  text: string,
  attempt: number,
  patterns: readonly CompiledProgressPattern[] = [],
): AttemptReadings {
  if (text === '') return emptyReadings(attempt);
  return (
    (patterns.length === 0 ? fastReadings(text, attempt) : null) ??
    readingsFromLog(parseProgress(text, patterns), attempt)
  );
}
