/**
 * Runs side by side: which settings differ, which metrics they share. The
 * facts of each run come from a stat-validated cache (see stat-cache.ts), so
 * comparing a folder of 1,000 runs reads only the files that changed since
 * the last look.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Ledger } from '../../git/ledger-repo.js';
import { notFound, usageError } from '../../core/errors.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { listRunFiles, resolveRun, type RunFile } from './runs.js';
import { runFacts, type MetricValue, type RunFacts } from './run-facts.js';
import { StatCache } from './stat-cache.js';

export interface CompareQuery {
  /** Run refs (ids, paths, suffixes); or a group and/or a campaign. */
  runs?: string[];
  group?: string;
  campaign?: string;
  state?: string;
  /** Every setting as a column, not only those that differ. */
  allParams?: boolean;
  /** Only these metric columns, in this order. */
  metrics?: string[];
  /** A metric, setting or column name; a leading `-` sorts descending. */
  sort?: string;
}

export interface ComparedRun extends Omit<RunFacts, 'notARun'> {
  id: string;
  path: string;
  /** Absolute path (for links relative to wherever the table is pasted). */
  abs: string;
}

export interface Comparison {
  runs: ComparedRun[];
  /** Setting columns: those whose values differ between the runs (all with allParams, or for one run). */
  settings: string[];
  /** Settings every run has with the same value. */
  common: Record<string, string>;
  /** Metric columns: those every run has first. */
  metrics: string[];
  /** Metrics every run has. */
  shared: string[];
}

/** Bump when RunFacts changes shape. */
const FACTS_VERSION = 1;
const FACTS_FILE = 'run-facts.json';

/** Column names `--sort` accepts besides metrics and settings. */
export const SORT_COLUMNS = ['id', 'state', 'class', 'attempts', 'runtime', 'step'] as const;

function factsOf(cache: StatCache<RunFacts>, f: RunFile): RunFacts {
  return cache.get(f.path, f.abs, () => runFacts(new RunLogDoc(readFileSync(f.abs, 'utf8'), f.path)));
}

function inGroup(f: RunFile, group: string): boolean {
  return f.group === group || (f.group ?? '').startsWith(`${group}/`);
}

function select(ledger: Ledger, q: CompareQuery, cache: StatCache<RunFacts>): { files: RunFile[]; whole: boolean } {
  const { root, config } = ledger;
  if (q.runs && q.runs.length > 0) {
    const seen = new Set<string>();
    const files = q.runs
      .map((r) => resolveRun(root, config.runs_dir, r))
      .filter((f) => !seen.has(f.id) && seen.add(f.id));
    return { files, whole: false };
  }
  const all = listRunFiles(root, config.runs_dir);
  let files = all;
  if (q.group !== undefined) {
    const group = q.group.replace(/^\/+|\/+$/g, '');
    files = all.filter((f) => inGroup(f, group));
    if (files.length === 0 && !existsSync(join(root, config.runs_dir, group))) {
      const groups = [...new Set(all.map((f) => f.group).filter((g): g is string => g !== null))];
      throw notFound(
        'GROUP_NOT_FOUND',
        `no group ${JSON.stringify(q.group)} under ${config.runs_dir}/`,
        groups.length > 0
          ? `groups here: ${groups.slice(0, 10).join(', ')}`
          : 'see `runlog list` for the runs in this ledger',
      );
    }
  }
  if (q.campaign !== undefined) files = files.filter((f) => factsOf(cache, f).campaign === q.campaign);
  return { files, whole: q.group === undefined };
}

/** Equal values compare equal as written or as numbers (`3e-4` = `0.0003`). */
function norm(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const n = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i.test(t) ? Number(t) : Number.NaN;
  return Number.isFinite(n) ? `#${n}` : t;
}

function keysInOrder(maps: Record<string, unknown>[]): string[] {
  const keys = new Set<string>();
  for (const m of maps) for (const k of Object.keys(m)) keys.add(k);
  return [...keys];
}

function settingColumns(runs: ComparedRun[], all: boolean): { settings: string[]; common: Record<string, string> } {
  const keys = keysInOrder(runs.map((r) => r.settings));
  const common: Record<string, string> = {};
  const differ: string[] = [];
  for (const k of keys) {
    const first = norm(runs[0]!.settings[k]);
    if (first !== undefined && runs.every((r) => norm(r.settings[k]) === first)) common[k] = runs[0]!.settings[k]!;
    else differ.push(k);
  }
  return { settings: all || runs.length < 2 ? keys : differ, common };
}

function metricColumns(runs: ComparedRun[], wanted: string[] | undefined): { metrics: string[]; shared: string[] } {
  const keys = keysInOrder(runs.map((r) => r.metrics));
  const count = (k: string) => runs.filter((r) => k in r.metrics).length;
  const shared = runs.length === 0 ? [] : keys.filter((k) => count(k) === runs.length);
  if (wanted && wanted.length > 0) {
    const unknown = wanted.filter((m) => !keys.includes(m));
    if (unknown.length > 0 && runs.length > 0) {
      throw usageError(
        'UNKNOWN_METRIC',
        `no compared run has metric ${unknown.map((m) => JSON.stringify(m)).join(', ')}`,
        keys.length > 0 ? `metrics here: ${keys.join(', ')}` : 'these runs record no metrics yet',
      );
    }
    return { metrics: [...new Set(wanted)], shared };
  }
  // Stable sort: most widely shared first, first appearance breaks ties.
  const order = keys.map((k, i) => ({ k, i, n: count(k) })).sort((a, b) => b.n - a.n || a.i - b.i);
  return { metrics: order.map((o) => o.k), shared };
}

type SortValue = string | number | null;

function sortValue(r: ComparedRun, key: string): SortValue {
  switch (key) {
    case 'id':
      return r.id;
    case 'state':
      return r.state;
    case 'class':
      return r.failureClass;
    case 'attempts':
      return r.attempts;
    case 'runtime':
      return r.runtimeSeconds;
    case 'step':
      return r.step;
  }
  if (key in r.metrics) {
    const m: MetricValue = r.metrics[key]!;
    return typeof m === 'number' ? m : m === 'inf' ? Infinity : m === '-inf' ? -Infinity : null;
  }
  const s = r.settings[key];
  if (s === undefined) return null;
  const n = norm(s)!;
  return n.startsWith('#') ? Number(n.slice(1)) : s;
}

function sortRuns(runs: ComparedRun[], spec: string): ComparedRun[] {
  const desc = spec.startsWith('-');
  const key = desc ? spec.slice(1) : spec;
  const known = new Set<string>([
    ...SORT_COLUMNS,
    ...runs.flatMap((r) => [...Object.keys(r.metrics), ...Object.keys(r.settings)]),
  ]);
  if (!known.has(key)) {
    throw usageError(
      'BAD_SORT',
      `--sort ${JSON.stringify(spec)} names no metric, setting or column of these runs`,
      `sort by one of: ${[...known].join(', ')} (prefix - for descending, e.g. --sort=-accuracy)`,
    );
  }
  const keyed = runs.map((r, i) => ({ r, i, v: sortValue(r, key) }));
  keyed.sort((a, b) => {
    // Runs without the value go last either way.
    if (a.v === null || b.v === null) return a.v === b.v ? a.i - b.i : a.v === null ? 1 : -1;
    const c =
      typeof a.v === 'number' && typeof b.v === 'number'
        ? a.v - b.v
        : String(a.v) < String(b.v)
          ? -1
          : String(a.v) > String(b.v)
            ? 1
            : 0;
    return (desc ? -c : c) || a.i - b.i;
  });
  return keyed.map((k) => k.r);
}

export function compareRuns(ledger: Ledger, q: CompareQuery): Comparison {
  const cache = StatCache.open<RunFacts>(ledger.gitDir, FACTS_FILE, FACTS_VERSION);
  const { files, whole } = select(ledger, q, cache);
  let runs: ComparedRun[] = [];
  for (const f of files) {
    const facts = factsOf(cache, f);
    if (facts.notARun && !q.runs?.length) continue;
    if (q.state && facts.state !== q.state) continue;
    const { notARun: _skip, ...rest } = facts;
    runs.push({ id: f.id, path: f.path, abs: f.abs, ...rest });
  }
  cache.save(whole && q.campaign === undefined ? new Set(files.map((f) => f.path)) : undefined);
  if (q.sort) runs = sortRuns(runs, q.sort);
  const { settings, common } = settingColumns(runs, q.allParams ?? false);
  const { metrics, shared } = metricColumns(runs, q.metrics);
  if (q.metrics && q.metrics.length > 0) {
    const keep = new Set(metrics);
    runs = runs.map((r) => ({
      ...r,
      metrics: Object.fromEntries(Object.entries(r.metrics).filter(([k]) => keep.has(k))),
    }));
  }
  return { runs, settings, common, metrics, shared };
}
