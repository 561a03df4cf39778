/**
 * Two runs, section by section, as before → after: the run itself, its
 * config snapshot, settings, command, code revision, data and results. Read
 * from the run logs alone (runlog's and hand-kept ones alike); the caller
 * adds what needs git or the disk (the code diff, the snapshots' contents).
 */
import type { RunLogDoc } from '../../markdown/runlog.js';
import { field, lastOf, runArtifacts } from './artifacts.js';
import { failureClassOf, metricsOf, resultMetric, settingsOf, type MetricValue } from './run-facts.js';

export interface Change {
  key: string;
  before: string | null;
  after: string | null;
}

export const DIFF_SECTIONS = ['run', 'config', 'settings', 'command', 'code', 'data', 'results'] as const;
export type SectionName = (typeof DIFF_SECTIONS)[number];

export interface DiffSection {
  name: SectionName;
  changes: Change[];
  /** Keys both runs have with the same value. */
  same: string[];
}

type Facts = Record<SectionName, Record<string, string | null>>;

const str = (v: number | string | null | undefined): string | null =>
  v === null || v === undefined ? null : String(v);
const metric = (v: MetricValue | undefined) => (v === undefined ? null : String(v));

/** What one run says, per section; null where it says nothing. */
function facts(doc: RunLogDoc): Facts {
  const v = doc.view;
  const a = runArtifacts(doc);
  const jobs = v.jobs;
  const job = (...aliases: string[]) => lastOf(jobs, aliases);
  // Final metrics by name (a running run's from Status, a finished one's from Results), then the other Results fields.
  const results: Record<string, string | null> = {};
  for (const [k, m] of Object.entries(metricsOf(v))) results[k] = metric(m);
  for (const [k, raw] of Object.entries(v.results ?? {}))
    if (k !== 'runtime' && !resultMetric(k, raw)) results[k] = raw;
  return {
    run: {
      state: v.state,
      run_type: v.runType,
      failure_class: failureClassOf(v),
      attempts: String(v.attempt),
      runtime: field(v.results, 'runtime') ?? job('runtime'),
    },
    config: {
      config: field(v.config, 'config'),
      snapshot: a.configSnapshot,
      sha256: a.configSha256,
    },
    settings: settingsOf(v),
    command: {
      command: a.command,
      executor: job('executor'),
      cwd: job('cwd', 'worktree'),
      resources: job('resources'),
      image: job('image'),
      runtime_env: job('runtime_env'),
      env_vars: job('env_vars'),
    },
    code: {
      git_sha: a.gitSha,
      repo: a.repo,
      dirty: job('git_dirty', 'dirty_tree', 'dirty'),
      patch_sha256: a.dirty?.patchSha256 ?? null,
    },
    data: {
      dataset: job('dataset') ?? field(v.config, 'dataset'),
      initialize_from: a.launchSource,
      resumed_from: a.recoverySources.length > 0 ? a.recoverySources.join(', ') : null,
    },
    results,
  };
}

export function diffSection(
  name: SectionName,
  before: Record<string, string | null>,
  after: Record<string, string | null>,
): DiffSection {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const changes: Change[] = [];
  const same: string[] = [];
  for (const key of keys) {
    const b = str(before[key]);
    const a = str(after[key]);
    if (b === null && a === null) continue;
    if (b === a) same.push(key);
    else changes.push({ key, before: b, after: a });
  }
  return { name, changes, same };
}

export interface RunDiff {
  sections: DiffSection[];
  /** The launch commits, for a code diff. */
  code: { before: string | null; after: string | null };
  /** Config snapshot paths as recorded, for a contents diff. */
  snapshots: { before: string | null; after: string | null };
}

export function diffRuns(a: RunLogDoc, b: RunLogDoc): RunDiff {
  const fa = facts(a);
  const fb = facts(b);
  return {
    sections: DIFF_SECTIONS.map((name) => diffSection(name, fa[name], fb[name])),
    code: { before: fa.code['git_sha'] ?? null, after: fb.code['git_sha'] ?? null },
    snapshots: { before: fa.config['snapshot'] ?? null, after: fb.config['snapshot'] ?? null },
  };
}
