/**
 * Every progress reading runlog has for a run, per attempt: the Status
 * entries of the run log and the series parsed from each attempt's output
 * log. Status entries carry the attempt they belong to only through the
 * entry that started it (`… as attempt 2 …`, written by resume, retry and
 * requeue); every entry before the first such one is attempt 1.
 */
import { parseStep } from '../checkpoints/step.js';
import type { JobBlock, RunLogView } from '../markdown/runlog.js';
import type { StatusEntry } from '../markdown/status-line.js';
import { throughputUnitOfMetric, type ProgressRecord } from '../signals/progress.js';
import { firstMetric, TRAIN_KEYS, VAL_KEYS } from './keys.js';
import type { Mark, Point, RunChart } from './types.js';

export interface AttemptReadings {
  attempt: number;
  train: Point[];
  val: Point[];
  /** Throughput readings by unit: a log may print tokens/s and it/s on different lines. */
  throughput: Record<string, Point[]>;
}

const ATTEMPT_START = /\bas attempt (\d+)\b/;

/** More attempts than this are drawn as the last one: the SVG stays bounded whatever a run log says. */
export const MAX_ATTEMPTS = 50;

export const emptyReadings = (attempt: number): AttemptReadings => ({ attempt, train: [], val: [], throughput: {} });

/** Units become axis labels and keys of a trailer: plain words per second only (a configured pattern may name anything). */
export const SAFE_UNIT = /^[A-Za-z]{1,24}\/s$/;

export function addThroughput(r: AttemptReadings, unit: string, step: number, value: number): void {
  if (!SAFE_UNIT.test(unit)) return;
  r.throughput[unit] ??= [];
  r.throughput[unit].push([step, value]);
}

/** Add one parsed log record. Steps counted from Trainer lines that print none are not steps: skipped. */
export function addRecord(r: AttemptReadings, rec: ProgressRecord): void {
  if (rec.step === undefined || rec.stepCounted) return;
  if (rec.loss !== undefined) r.train.push([rec.step, rec.loss]);
  const val = firstMetric(rec.metrics, VAL_KEYS);
  if (val !== undefined) r.val.push([rec.step, val]);
  if (rec.throughput) addThroughput(r, rec.throughput.unit, rec.step, rec.throughput.value);
}

/** One attempt's output log, parsed. */
export function readingsFromLog(records: readonly ProgressRecord[], attempt: number): AttemptReadings {
  const r = emptyReadings(attempt);
  for (const rec of records) addRecord(r, rec);
  return r;
}

/** The Status entries that carry a step, split into attempts. */
export function readingsFromStatus(status: readonly StatusEntry[]): AttemptReadings[] {
  const byAttempt = new Map<number, AttemptReadings>();
  let attempt = 1;
  for (const e of status) {
    const started = ATTEMPT_START.exec(e.message);
    if (started) attempt = Math.min(MAX_ATTEMPTS, Number(started[1]));
    if (e.step === null) continue;
    const r = byAttempt.get(attempt) ?? emptyReadings(attempt);
    byAttempt.set(attempt, r);
    const train = firstMetric(e.metrics, TRAIN_KEYS);
    if (train !== undefined) r.train.push([e.step, train]);
    const val = firstMetric(e.metrics, VAL_KEYS);
    if (val !== undefined) r.val.push([e.step, val]);
    for (const [k, v] of Object.entries(e.metrics)) {
      const unit = throughputUnitOfMetric(k);
      if (unit) addThroughput(r, unit, e.step, v);
    }
  }
  return [...byAttempt.values()];
}

/** Readings of the same attempt from several sources, one list per attempt, in attempt order. */
export function mergeReadings(...sources: (readonly AttemptReadings[])[]): AttemptReadings[] {
  const byAttempt = new Map<number, AttemptReadings>();
  for (const list of sources) {
    for (const r of list) {
      const attempt = Math.min(MAX_ATTEMPTS, Math.max(1, Math.trunc(r.attempt)));
      const into = byAttempt.get(attempt) ?? emptyReadings(attempt);
      byAttempt.set(attempt, into);
      into.train.push(...r.train);
      into.val.push(...r.val);
      for (const [unit, points] of Object.entries(r.throughput)) {
        into.throughput[unit] ??= [];
        into.throughput[unit].push(...points);
      }
    }
  }
  return [...byAttempt.values()].sort((a, b) => a.attempt - b.attempt);
}

/** The unit most readings use; ties go to the alphabetically first, so the choice never depends on order. */
function mainUnit(readings: readonly AttemptReadings[]): string | null {
  const counts = new Map<string, number>();
  for (const r of readings)
    for (const [unit, points] of Object.entries(r.throughput))
      counts.set(unit, (counts.get(unit) ?? 0) + points.length);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return ranked[0]?.[0] ?? null;
}

const unquote = (v: string | undefined): string | undefined => v?.replace(/`/g, '').trim();

/** `Job (resumed)` → `resumed`, `Job (retry 2)` → `retry 2`. */
function jobLabel(job: JobBlock | undefined): string | null {
  return job ? (/\(([^)]*)\)\s*$/.exec(job.heading)?.[1]?.trim() ?? null) : null;
}

/** The step in a checkpoint path's last part (`…/step-12000`); never the path itself, which may name a host. */
function stepOfPath(path: string | undefined): number | null {
  const last = path?.split(/[\\/]/).filter(Boolean).pop();
  return last ? parseStep(last) : null;
}

function attemptMarks(readings: readonly AttemptReadings[], jobs: readonly JobBlock[]): Mark[] {
  const marks: Mark[] = [];
  for (const r of readings) {
    if (r.attempt < 2) continue;
    const job = jobs.find((j) => unquote(j.fields['attempt']) === String(r.attempt)) ?? jobs[r.attempt - 1];
    const from = stepOfPath(
      unquote(job?.fields['resumed from'] ?? job?.fields['resumed_from'] ?? job?.fields['initialize_from']),
    );
    const steps = [...r.train, ...r.val, ...Object.values(r.throughput).flat()]
      .map((p) => p[0])
      .filter(Number.isFinite);
    const step = from ?? (steps.length > 0 ? Math.min(...steps) : null);
    if (step === null) continue;
    const what = jobLabel(job);
    marks.push({
      kind: 'attempt',
      step,
      label: `attempt ${r.attempt}${what && what !== `attempt ${r.attempt}` ? ` (${what})` : ''}`,
    });
  }
  return marks;
}

function checkpointMark(results: Record<string, string> | null): Mark | null {
  if (!results) return null;
  const checkpoint = unquote(results['checkpoint']);
  if (!checkpoint) return null;
  const finalStep = Number(unquote(results['final step'] ?? results['final_step']));
  const step = stepOfPath(checkpoint) ?? (Number.isFinite(finalStep) ? finalStep : null);
  return step === null ? null : { kind: 'checkpoint', step, label: `final checkpoint (step ${step})` };
}

/** Whether there is anything to draw: a chart of no readings is not written. */
export function hasReadings(readings: readonly AttemptReadings[]): boolean {
  return readings.some(
    (r) => r.train.length > 0 || r.val.length > 0 || Object.values(r.throughput).some((p) => p.length > 0),
  );
}

/** The run chart of a run log as it is now, plus the readings from its output logs. */
export function runChartOf(
  id: string,
  view: Pick<RunLogView, 'status' | 'jobs' | 'results'>,
  logs: readonly AttemptReadings[],
): RunChart {
  const readings = mergeReadings(readingsFromStatus(view.status), logs);
  const unit = mainUnit(readings);
  const marks = attemptMarks(readings, view.jobs);
  const checkpoint = checkpointMark(view.results);
  if (checkpoint) marks.push(checkpoint);
  return {
    title: id,
    train: { label: 'train loss', segments: readings.map((r) => r.train).filter((s) => s.length > 0) },
    val: { label: 'val loss', segments: readings.map((r) => r.val).filter((s) => s.length > 0) },
    throughput: {
      label: 'throughput',
      unit: unit ?? 'it/s',
      segments: unit ? readings.map((r) => r.throughput[unit] ?? []).filter((s) => s.length > 0) : [],
    },
    marks,
  };
}
