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
import { parseProgress, type CompiledProgressPattern, type ProgressRecord } from '../signals/progress.js';
import { parseLogNumber } from '../signals/numbers.js';
import { firstMetric, VAL_KEYS } from './keys.js';
import { emptyReadings, readingsFromLog, type AttemptReadings } from './readings.js';

const NUM = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf(?:inity)?)\b/gi;
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
/** As parseProgress: a runaway line is cut. */
const SEGMENT_MAX = 4096;
const RETRIES = 3;
const CHECK_EVERY = 500;

interface Template {
  step: number;
  loss?: number;
  val?: number;
  throughput?: { index: number; unit: string };
}

/** 'none': lines of this shape give no reading; 'slow': parse each one. */
type Plan = Template | 'none' | 'slow' | { tries: number };

function tokenize(segment: string): { shape: string; tokens: string[] } {
  const tokens: string[] = [];
  let shape = '';
  let last = 0;
  NUM.lastIndex = 0;
  for (let m = NUM.exec(segment); m; m = NUM.exec(segment)) {
    shape += `${segment.slice(last, m.index)}\u0000`;
    tokens.push(m[0]);
    last = m.index + m[0].length;
  }
  return { shape: shape + segment.slice(last), tokens };
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

function templateOf(record: ProgressRecord | undefined, tokens: string[]): Template | 'none' | undefined {
  if (!record || record.step === undefined || record.stepCounted) return 'none';
  const values = tokens.map(parseLogNumber);
  const step = locate(values, record.step);
  if (step === undefined) return undefined;
  const t: Template = { step };
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

function byTemplate(t: Template, tokens: string[], line: number, raw: string): ProgressRecord {
  const num = (i: number) => parseLogNumber(tokens[i]!)!;
  const r: ProgressRecord = { step: num(t.step), metrics: {}, line, raw, format: 'key_value' };
  if (t.loss !== undefined) r.loss = num(t.loss);
  if (t.val !== undefined) r.metrics[VAL_KEYS[0]] = num(t.val);
  if (t.throughput) r.throughput = { value: num(t.throughput.index), unit: t.throughput.unit };
  return r;
}

const sameReading = (a: ProgressRecord, b: ProgressRecord | undefined): boolean =>
  b !== undefined &&
  !b.stepCounted &&
  Object.is(a.step, b.step) &&
  Object.is(a.loss, b.loss) &&
  Object.is(a.metrics[VAL_KEYS[0]], firstMetric(b.metrics, VAL_KEYS)) &&
  Object.is(a.throughput?.value, b.throughput?.value) &&
  a.throughput?.unit === b.throughput?.unit;

/** The records `readingsFromLog` needs, by shape; null when a check disagreed. */
function fastRecords(text: string): ProgressRecord[] | null {
  const plans = new Map<string, Plan>();
  const out: ProgressRecord[] = [];
  let templated = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const piece of line.includes('\r') ? line.split('\r') : [line]) {
      let segment = piece.length > SEGMENT_MAX ? piece.slice(0, SEGMENT_MAX) : piece;
      if (segment.includes('\x1b')) segment = segment.replace(ANSI, '');
      segment = segment.trim();
      if (!segment) continue;
      const { shape, tokens } = tokenize(segment);
      const plan = plans.get(shape);
      if (plan === 'none') continue;
      if (plan === undefined || plan === 'slow' || 'tries' in plan) {
        const record = parseProgress(segment)[0];
        if (plan !== 'slow') {
          const t = templateOf(record, tokens);
          const tries = plan === undefined ? 1 : plan.tries + 1;
          plans.set(shape, t ?? (tries >= RETRIES ? 'slow' : { tries }));
        }
        if (record && record.step !== undefined && !record.stepCounted) out.push({ ...record, line: i + 1 });
        continue;
      }
      const record = byTemplate(plan, tokens, i + 1, segment);
      if (++templated % CHECK_EVERY === 0 && !sameReading(record, parseProgress(segment)[0])) return null;
      out.push(record);
    }
  }
  return out;
}

/** One attempt's readings from its output log text; exactly what `readingsFromLog(parseProgress(text))` gives. */
export function logReadings(text: string, attempt: number, patterns: readonly CompiledProgressPattern[] = []): AttemptReadings {
  if (text === '') return emptyReadings(attempt);
  const fast = patterns.length === 0 ? fastRecords(text) : null;
  return readingsFromLog(fast ?? parseProgress(text, patterns), attempt);
}
