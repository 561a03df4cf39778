/**
 * Progress read from what a job prints: step, loss, grad norm, throughput.
 * A run is "making progress" when these move, not when its process exists.
 * Pure over text; `readTail` is the one function that touches the disk.
 */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { failed, notFound, usageError } from '../core/errors.js';
import { catastrophicAt } from '../core/scrub/regex-safety.js';
import { ANSI_CSI } from '../core/text.js';
import { readLiteralObject } from './literal.js';
import { NUMBER_SOURCE, parseLogNumber } from './numbers.js';

export interface Throughput {
  value: number;
  /** `tokens/s`, `samples/s`, `it/s`, ... (`s/it` is inverted to `it/s` so values compare). */
  unit: string;
}

export type ProgressFormat = 'json' | 'python_dict' | 'progress_bar' | 'key_value' | 'pattern';

export interface ProgressRecord {
  step?: number;
  /**
   * The nominal total printed next to the step (`Step 100/1000`, a progress
   * bar's `450/1000`). Display text: the final step comes from the config.
   */
  total?: number;
  /** True when `step` was counted from Trainer log lines that print none. */
  stepCounted?: boolean;
  loss?: number;
  gradNorm?: number;
  throughput?: Throughput;
  epoch?: number;
  /** Every numeric field of the line under its printed key. */
  metrics: Record<string, number>;
  /** 1-based line number; `\r`-separated updates on one line share it. */
  line: number;
  raw: string;
  format: ProgressFormat;
}

export type ProgressField = 'step' | 'total' | 'loss' | 'gradNorm' | 'epoch' | 'throughput';

/** A user-configured regex; fields name a capture group by number or name. */
export interface ProgressPattern {
  pattern: string;
  /** RegExp flags; `g` and `y` are ignored (each line is matched once). */
  flags?: string;
  fields: Partial<Record<ProgressField, number | string>>;
  /** Unit of the `throughput` group; default `it/s`. */
  throughputUnit?: string;
}

export interface CompiledProgressPattern {
  regex: RegExp;
  fields: Partial<Record<ProgressField, number | string>>;
  throughputUnit: string;
  source: string;
}

export interface ProgressSummary {
  /** The last record that carries a step. */
  latest?: ProgressRecord;
  /** The first loss in the text, NaN included (for Results: only as early as the text reaches, so pass the whole log or a head). */
  firstLoss?: number;
  lastLoss?: number;
  records: number;
}

const FIELDS: readonly ProgressField[] = ['step', 'total', 'loss', 'gradNorm', 'epoch', 'throughput'];

/** Checks every pattern up front so a bad config fails at load, naming the pattern. */
export function compileProgressPatterns(patterns: readonly ProgressPattern[]): CompiledProgressPattern[] {
  return patterns.map((p, index) => {
    const flags = (p.flags ?? '').replace(/[gy]/g, '');
    let regex: RegExp;
    try {
      regex = new RegExp(p.pattern, flags);
    } catch (err) {
      throw usageError(
        'PROGRESS_PATTERN_INVALID',
        `progress pattern #${index + 1} (${p.pattern}) is not a valid regular expression: ${(err as Error).message}`,
        'fix the pattern in runlog.config.yaml; it is a JavaScript RegExp source, named groups as (?<step>\\d+)',
      );
    }
    // The pattern comes from runlog.config.yaml, which arrives through git, and runs over every
    // job's output on each poll: one that can backtrack exponentially would hang them all.
    const risky = catastrophicAt(p.pattern);
    if (risky !== -1) {
      throw usageError(
        'PROGRESS_PATTERN_INVALID',
        `progress pattern #${index + 1} (${p.pattern}) can take exponential time on some output: the repeated group at character ${risky + 1} holds another repetition, alternatives or a back-reference`,
        'rewrite it without repeating a repetition: (a+)+ → a+, (?:x|y)+ → [xy]+, or bound the inner part',
      );
    }
    const probe = new RegExp(`${p.pattern}|`, flags).exec('');
    const groupCount = probe ? probe.length - 1 : 0;
    const names = new Set(Object.keys(probe?.groups ?? {}));
    const fields = Object.entries(p.fields) as [ProgressField, number | string][];
    if (fields.length === 0) {
      throw usageError(
        'PROGRESS_PATTERN_INVALID',
        `progress pattern #${index + 1} (${p.pattern}) maps no fields`,
        `map at least one of ${FIELDS.join(', ')} to a capture group`,
      );
    }
    for (const [field, ref] of fields) {
      const ok =
        FIELDS.includes(field) &&
        (typeof ref === 'number' ? Number.isInteger(ref) && ref >= 1 && ref <= groupCount : names.has(ref));
      if (!ok) {
        throw usageError(
          'PROGRESS_PATTERN_INVALID',
          `progress pattern #${index + 1} (${p.pattern}): field ${field} refers to group ${String(ref)}, which the pattern does not have`,
          `use a group number from 1 to ${groupCount} or one of the named groups (${[...names].join(', ') || 'none'}); fields are ${FIELDS.join(', ')}`,
        );
      }
    }
    return { regex, fields: p.fields, throughputUnit: p.throughputUnit ?? 'it/s', source: p.pattern };
  });
}

/** Progress lines are short; a runaway line is cut so parsing stays fast. */
const SEGMENT_MAX = 4096;

const STEP_KEYS = new Set([
  'step',
  'global_step',
  'train/global_step',
  'trainer/global_step',
  'train/step',
  'iter',
  'iteration',
]);
const LOSS_KEYS = new Set(['loss', 'train/loss', 'train_loss', 'training_loss', 'train_loss_step', 'train/loss_step']);
const GRAD_NORM_KEYS = new Set([
  'grad_norm',
  'gradnorm',
  'gradient_norm',
  'train/grad_norm',
  'optim/grad_norm',
  'train/gradnorm',
]);
const EPOCH_KEYS = new Set(['epoch', 'train/epoch']);

const THROUGHPUT_UNITS: [RegExp, string][] = [
  [/^(?:tokens?|tok)$/, 'tokens/s'],
  [/^samples?$/, 'samples/s'],
  [/^examples?$/, 'examples/s'],
  [/^(?:seqs?|sequences?)$/, 'sequences/s'],
  [/^(?:images?|img)$/, 'images/s'],
  [/^steps?$/, 'steps/s'],
  [/^(?:it|iters?)$/, 'it/s'],
];
const THROUGHPUT_KEY = /(?:^|[/_])([a-z]+)(?:_per_|\/)(?:s|sec|second)$/;

const normKey = (key: string): string =>
  key
    .trim()
    .toLowerCase()
    .replace(/[\s.-]+/g, '_');

function throughputUnitOf(word: string): string | undefined {
  const lower = word.toLowerCase();
  return THROUGHPUT_UNITS.find(([re]) => re.test(lower))?.[1];
}

function throughputUnitOfKey(key: string): string | undefined {
  const m = THROUGHPUT_KEY.exec(key);
  return m ? throughputUnitOf(m[1]!) : undefined;
}

/** The throughput unit a metric's name implies (`tokens_per_s` → `tokens/s`), as status entries and logs write them. */
export function throughputUnitOfMetric(key: string): string | undefined {
  return throughputUnitOfKey(normKey(key));
}

const UNIT_RANK = THROUGHPUT_UNITS.map(([, unit]) => unit);

/** Fills the named fields from a key → number map; the first of each wins. */
function assignKnown(record: ProgressRecord, entries: Iterable<[string, number]>): void {
  for (const [rawKey, value] of entries) {
    const key = normKey(rawKey);
    if (STEP_KEYS.has(key) && record.step === undefined) record.step = value;
    else if (LOSS_KEYS.has(key) && record.loss === undefined) record.loss = value;
    else if (GRAD_NORM_KEYS.has(key) && record.gradNorm === undefined) record.gradNorm = value;
    else if (EPOCH_KEYS.has(key) && record.epoch === undefined) record.epoch = value;
    else {
      const unit = throughputUnitOfKey(key);
      if (!unit) continue;
      if (!record.throughput || UNIT_RANK.indexOf(unit) < UNIT_RANK.indexOf(record.throughput.unit)) {
        record.throughput = { value, unit };
      }
    }
  }
}

const hasSignal = (r: ProgressRecord): boolean =>
  r.step !== undefined ||
  r.loss !== undefined ||
  r.gradNorm !== undefined ||
  r.epoch !== undefined ||
  r.throughput !== undefined;

function fromLiteral(segment: string, line: number): ProgressRecord | undefined {
  if (!segment.includes('{')) return undefined;
  const literal = readLiteralObject(segment);
  if (!literal) return undefined;
  const metrics = Object.fromEntries(literal.numbers);
  const record: ProgressRecord = {
    metrics,
    line,
    raw: segment,
    format: literal.quote === "'" ? 'python_dict' : 'json',
  };
  assignKnown(record, literal.numbers);
  // Without a TTY, HF Trainer prints its dict right after the bar it interrupted: the bar has the step.
  const bar = record.step === undefined ? fromBar(segment.slice(0, segment.indexOf('{')), line) : undefined;
  if (bar) {
    record.step = bar.step;
    record.total = bar.total;
  }
  return hasSignal(record) ? record : undefined;
}

const BAR = /^(?<desc>.*?)\s*(?<pct>\d{1,3})%\|[^|]*\|\s*(?<n>\d+)\/(?<total>\d+)\s*\[(?<inside>[^\]]*)\]/;
const NON_TRAINING_BAR = /valid|test|predict|eval|sanity/i;

/** Validation and test bars count their own batches, not training steps: they carry no progress. */
function isNonTrainingBar(segment: string): boolean {
  const m = BAR.exec(segment);
  return m?.groups !== undefined && NON_TRAINING_BAR.test(m.groups.desc!);
}

function parseRate(text: string): Throughput | undefined {
  const perSecond = /^(?<v>\d+(?:\.\d+)?)(?<scale>[kMG])?\s*(?<u>[A-Za-z]+)\/s$/.exec(text);
  if (perSecond?.groups) {
    const scale = { k: 1e3, M: 1e6, G: 1e9 }[perSecond.groups.scale as 'k' | 'M' | 'G'] ?? 1;
    return {
      value: Number(perSecond.groups.v) * scale,
      unit: throughputUnitOf(perSecond.groups.u!) ?? `${perSecond.groups.u}/s`,
    };
  }
  const secondsPer = /^(?<v>\d+(?:\.\d+)?)s\/(?<u>[A-Za-z]+)$/.exec(text);
  if (secondsPer?.groups) {
    const seconds = Number(secondsPer.groups.v);
    if (seconds === 0) return undefined;
    return { value: 1 / seconds, unit: throughputUnitOf(secondsPer.groups.u!) ?? `${secondsPer.groups.u}/s` };
  }
  return undefined;
}

/** tqdm-style bars (PyTorch Lightning, HF Trainer): `Epoch 0:  45%|████▌ | 450/1000 [00:30<00:36, 15.0it/s, loss=0.53]`. */
function fromBar(segment: string, line: number): ProgressRecord | undefined {
  const m = BAR.exec(segment);
  if (!m?.groups) return undefined;
  const desc = m.groups.desc!;
  const record: ProgressRecord = {
    step: Number(m.groups.n),
    total: Number(m.groups.total),
    metrics: {},
    line,
    raw: segment,
    format: 'progress_bar',
  };
  const epoch = /\bepoch\s+(\d+)/i.exec(desc);
  if (epoch) record.epoch = Number(epoch[1]);
  const parts = m.groups.inside!.split(',').map((s) => s.trim());
  for (const part of parts.slice(1)) {
    const rate = parseRate(part);
    if (rate && !record.throughput) {
      record.throughput = rate;
      continue;
    }
    const kv = /^([\w./-]+)=(.+)$/.exec(part);
    const value = kv ? parseLogNumber(kv[2]!) : undefined;
    if (kv && value !== undefined) record.metrics[kv[1]!] = value;
  }
  const barCount = record.step;
  delete record.step;
  // A postfix `global_step=` beats the bar's count, which restarts every epoch.
  assignKnown(record, Object.entries(record.metrics));
  record.step ??= barCount;
  return record;
}

// One way to split the separator's whitespace, so long runs of spaces cannot backtrack quadratically.
const KV = new RegExp(
  String.raw`(?<key>[A-Za-z_][\w./-]*)(?<sep>\s*[=:]\s*|\s+)(?<value>${NUMBER_SOURCE})(?:\s*\/\s*(?<total>\d+))?`,
  'gi',
);
const RATE =
  /(?<value>\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s*(?<unit>tokens?|tok|samples?|examples?|seqs?|sequences?|images?|img|steps?|it|iters?)\s*\/\s*(?:s|sec|second)\b|(?<sec>\d+(?:\.\d+)?)\s*s\s*\/\s*(?:it|iter)\b/i;

function isKnownKey(key: string): boolean {
  const k = normKey(key);
  return (
    STEP_KEYS.has(k) ||
    LOSS_KEYS.has(k) ||
    GRAD_NORM_KEYS.has(k) ||
    EPOCH_KEYS.has(k) ||
    throughputUnitOfKey(k) !== undefined
  );
}

/** Plain text: `step=100 loss=0.53`, `step 100 | loss 0.53 | 1.7 it/s`, `Step 100/1000, loss: 0.53`. */
function fromKeyValues(segment: string, line: number): ProgressRecord | undefined {
  const record: ProgressRecord = { metrics: {}, line, raw: segment, format: 'key_value' };
  const known: [string, number][] = [];
  for (const m of segment.matchAll(KV)) {
    const { key, sep, value: token, total } = m.groups!;
    const value = parseLogNumber(token!);
    if (value === undefined) continue;
    const isKnown = isKnownKey(key!);
    // A bare space separates too many ordinary words from numbers; only trust it for known keys.
    if (!isKnown && !/[=:]/.test(sep!)) continue;
    record.metrics[key!] = value;
    if (isKnown) {
      known.push([key!, value]);
      if (total !== undefined && STEP_KEYS.has(normKey(key!)) && record.total === undefined)
        record.total = Number(total);
    }
  }
  assignKnown(record, known);
  if (!record.throughput) {
    const rate = RATE.exec(segment);
    if (rate?.groups?.value !== undefined) {
      record.throughput = { value: Number(rate.groups.value), unit: throughputUnitOf(rate.groups.unit!) ?? 'it/s' };
    } else if (rate?.groups?.sec !== undefined && Number(rate.groups.sec) > 0) {
      record.throughput = { value: 1 / Number(rate.groups.sec), unit: 'it/s' };
    }
  }
  return hasSignal(record) ? record : undefined;
}

function groupValue(m: RegExpExecArray, ref: number | string): string | undefined {
  return typeof ref === 'number' ? m[ref] : m.groups?.[ref];
}

function fromPattern(segment: string, line: number, pattern: CompiledProgressPattern): ProgressRecord | undefined {
  const m = pattern.regex.exec(segment);
  if (!m) return undefined;
  const record: ProgressRecord = { metrics: {}, line, raw: segment, format: 'pattern' };
  for (const [field, ref] of Object.entries(pattern.fields) as [ProgressField, number | string][]) {
    const text = groupValue(m, ref);
    const value = text === undefined ? undefined : parseLogNumber(text);
    if (value === undefined) continue;
    record.metrics[field] = value;
    if (field === 'throughput') record.throughput = { value, unit: pattern.throughputUnit };
    else record[field] = value;
  }
  return hasSignal(record) || record.total !== undefined ? record : undefined;
}

function isCompiled(p: ProgressPattern | CompiledProgressPattern): p is CompiledProgressPattern {
  return 'regex' in p;
}

/**
 * Every progress record in `text`, in order. Configured patterns are tried
 * first, then JSON / Python dict lines, progress bars, and key=value text.
 */
export function parseProgress(
  text: string,
  extra: readonly (ProgressPattern | CompiledProgressPattern)[] = [],
): ProgressRecord[] {
  const patterns = extra.map((p) => (isCompiled(p) ? p : compileProgressPatterns([p])[0]!));
  const records: ProgressRecord[] = [];
  let trainerLogLines = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    for (const piece of lines[i]!.split('\r')) {
      const segment = piece.slice(0, SEGMENT_MAX).replace(ANSI_CSI, '').trim();
      if (!segment || isNonTrainingBar(segment)) continue;
      let record: ProgressRecord | undefined;
      for (const pattern of patterns) {
        record = fromPattern(segment, i + 1, pattern);
        if (record) break;
      }
      record ??= fromLiteral(segment, i + 1) ?? fromBar(segment, i + 1) ?? fromKeyValues(segment, i + 1);
      if (!record) continue;
      // HF Trainer prints `{'loss': ...}` every logging_steps without the step: count the lines.
      if (record.format === 'python_dict' && record.step === undefined && 'loss' in record.metrics) {
        record.step = ++trainerLogLines;
        record.stepCounted = true;
      }
      records.push(record);
    }
  }
  return records;
}

/** The newest step and the loss range, as a status entry or Results needs them. */
export function latestProgress(
  text: string,
  extra: readonly (ProgressPattern | CompiledProgressPattern)[] = [],
): ProgressSummary {
  const records = parseProgress(text, extra);
  const summary: ProgressSummary = { records: records.length };
  for (const record of records) {
    if (record.step !== undefined) summary.latest = record;
    if (record.loss !== undefined) {
      summary.firstLoss ??= record.loss;
      summary.lastLoss = record.loss;
    }
  }
  return summary;
}

/**
 * The last `maxBytes` of a file, decoded as UTF-8, without the partial line
 * the cut lands in. Only those bytes are read: output logs grow to gigabytes.
 * A job owns its log and may replace it with a FIFO or a link: only a
 * regular file is read (opened without following links or blocking).
 */
export async function readTail(path: string, maxBytes = 64 * 1024): Promise<string> {
  if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
    throw usageError(
      'TAIL_SIZE_INVALID',
      `cannot read a tail of ${maxBytes} bytes`,
      'pass a positive whole number of bytes',
    );
  }
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw notFound(
        'OUTPUT_LOG_NOT_FOUND',
        `output log ${path} does not exist`,
        'check the job block for the output path; the job may not have started yet',
        {
          path,
        },
      );
    }
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile())
      throw failed(
        'OUTPUT_LOG_NOT_A_FILE',
        `output log ${path} is not a regular file`,
        'the job replaced its log with something else; read its output where the job writes it',
        { details: { path } },
      );
    const size = st.size;
    const start = Math.max(0, size - maxBytes);
    const length = size - start;
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(buffer, read, length - read, start + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const text = buffer.subarray(0, read).toString('utf8');
    if (start === 0) return text;
    // Progress bars redraw with \r and may not print \n for a whole epoch: a \r also ends a line.
    const cut = text.search(/[\r\n]/);
    return cut < 0 ? '' : text.slice(cut + 1).replace(/^\n/, '');
  } finally {
    await handle.close();
  }
}
