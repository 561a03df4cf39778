/**
 * The readings in a run's output logs, one per attempt, for its chart.
 *
 * Which file to read is decided here, not by the run log: a Job block is
 * shared content, so its `output_log` only names a file *inside* the
 * attempt's own directory under this ledger's output root
 * (`<output root>/<run id>/attempt-<n>/`), after symlinks are resolved.
 * Anything else (another path, a FIFO, a device, a log on a remote worker
 * that is not here) is skipped: the chart then draws from Status entries.
 *
 * At most the last 16 MiB of a log are read (~200,000 progress lines): a
 * chart needs the shape of the curve, and an output log can grow to
 * gigabytes.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { readRegularTail } from '../core/confined-fs.js';
import { basename, join, sep } from 'node:path';
import type { LedgerConfig } from '../config/config.js';
import { RunLogDoc, type RunLogView } from '../markdown/runlog.js';
import { compileProgressPatterns, type CompiledProgressPattern } from '../signals/progress.js';
import { attemptDir, jobSettings } from '../config/jobs.js';
import { encodeReadings, type EncodedReadings } from './codec.js';
import { logReadings } from './log-readings.js';
import { MAX_ATTEMPTS, type AttemptReadings } from './readings.js';

export const LOG_BYTES = 16 * 1024 * 1024;

const unquote = (v: string): string => v.replace(/`/g, '').trim();

/** The text of a regular file at `rel` under `base` that stays inside `base` once symlinks are resolved (its last `maxBytes`); null for anything else. */
export function readConfined(base: string, rel: string, maxBytes = LOG_BYTES): string | null {
  let real: string;
  try {
    const realBase = realpathSync(base);
    real = realpathSync(join(base, rel));
    if (!real.startsWith(realBase + sep)) return null;
  } catch {
    return null;
  }
  // A regular file only, opened without blocking: a FIFO left where the log was must not hang the command.
  const t = readRegularTail(real, maxBytes);
  if (t === null) return null;
  // Cut mid-file: drop the partial first line.
  return t.truncated ? t.text.slice(t.text.search(/[\r\n]/) + 1) : t.text;
}

/**
 * Readings of every attempt whose Job block names an output log that is
 * here. `attemptDir(n)` is the directory this ledger pins attempt n's output in.
 */
export function outputLogReadings(
  view: Pick<RunLogView, 'jobs'>,
  attemptDir: (attempt: number) => string,
  patterns: readonly CompiledProgressPattern[] = [],
): AttemptReadings[] {
  const out: AttemptReadings[] = [];
  view.jobs.forEach((job, i) => {
    const logField = job.fields['output_log'];
    if (!logField) return;
    const attempt = Math.min(MAX_ATTEMPTS, Number(unquote(job.fields['attempt'] ?? '')) || i + 1);
    const text = readConfined(attemptDir(attempt), basename(unquote(logField)));
    if (text === null) return;
    out.push(logReadings(text, attempt, patterns));
  });
  return out;
}

/** The output-log readings of run `id` in this ledger, as its job settings pin the attempts' directories. */
export function ledgerLogReadings(
  root: string,
  config: LedgerConfig,
  id: string,
  view: Pick<RunLogView, 'jobs'>,
): AttemptReadings[] {
  const s = jobSettings(root, config);
  return outputLogReadings(
    view,
    (n) => attemptDir(s.outputRoot, id, n),
    compileProgressPatterns(s.progressPatterns as never),
  );
}

/**
 * What a completion carries for its chart: run `id`'s output-log readings,
 * encoded. A run log that cannot be read yields none (the operation itself
 * then reports the problem).
 */
export function chartReadings(
  root: string,
  config: LedgerConfig,
  run: { id: string; abs: string; path: string },
): EncodedReadings[] {
  let text: string;
  try {
    text = readFileSync(run.abs, 'utf8');
  } catch {
    return [];
  }
  return encodeReadings(ledgerLogReadings(root, config, run.id, new RunLogDoc(text, run.path).view));
}
