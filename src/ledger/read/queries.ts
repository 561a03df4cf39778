/** Read-only questions about the ledger: list, show, history. No lock, no commit. */
import { readFileSync, statSync } from 'node:fs';
import type { Ledger } from '../../git/ledger-repo.js';
import { RunLogDoc, type Diagnostic } from '../../markdown/runlog.js';
import type { StatusEntry } from '../../markdown/status-line.js';
import { listRunFiles, resolveRun, type RunFile } from './runs.js';
import { RunIndex, type RunSummary } from './run-index.js';
import { failureClassOf } from './run-facts.js';

export interface ListFilter {
  state?: string;
  group?: string;
  type?: string;
  failureClass?: string;
}

export type ListedRun = {
  id: string;
  path: string;
  state: string;
  runType: string | null;
  updated: string;
  group: string | null;
  failureClass: string | null;
  stateInferred: boolean;
};

function lastStamp(entries: StatusEntry[]): string | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const at = entries[i]!.at;
    if (at) return at.length === 10 ? `${at}T00:00:00Z` : at;
  }
  return null;
}

export function listRuns(ledger: Ledger, filter: ListFilter): { runs: ListedRun[]; diagnostics: Diagnostic[] } {
  const runs: ListedRun[] = [];
  const diagnostics: Diagnostic[] = [];
  const index = RunIndex.open(ledger.gitDir);
  const files = listRunFiles(ledger.root, ledger.config.runs_dir);
  for (const f of files) {
    if (filter.group && f.group !== filter.group && !(f.group ?? '').startsWith(`${filter.group}/`)) continue;
    const v = index.get(f.path, f.abs, () => summarize(f.abs, f.path));
    if (v.notARun) continue;
    if (filter.state && v.state !== filter.state) continue;
    if (filter.type && v.runType !== filter.type) continue;
    if (filter.failureClass && v.failureClass !== filter.failureClass) continue;
    diagnostics.push(...v.errors);
    runs.push({
      id: f.id,
      path: f.path,
      state: v.state,
      runType: v.runType,
      updated: v.updated ?? statSync(f.abs).mtime.toISOString(),
      group: f.group,
      failureClass: v.failureClass,
      stateInferred: v.stateInferred,
    });
  }
  index.save(new Set(files.map((f) => f.path)));
  return { runs, diagnostics };
}

function summarize(abs: string, path: string): RunSummary {
  const doc = new RunLogDoc(readFileSync(abs, 'utf8'), path);
  const v = doc.view;
  if (!doc.isRun) return { state: v.state, runType: null, failureClass: null, updated: null, stateInferred: true, errors: [], notARun: true };
  return { state: v.state, runType: v.runType, failureClass: failureClassOf(v), updated: lastStamp(v.status), stateInferred: v.stateInferred, errors: doc.errors };
}

export interface ShownRun {
  id: string;
  path: string;
  run: RunFile;
  doc: RunLogDoc;
}

export function showRun(ledger: Ledger, ref: string): ShownRun {
  const run = resolveRun(ledger.root, ledger.config.runs_dir, ref);
  const doc = new RunLogDoc(readFileSync(run.abs, 'utf8'), run.path);
  return { id: run.id, path: run.path, run, doc };
}

export interface HistoryCommit {
  sha: string;
  at: string;
  author: string;
  subject: string;
}

/** The run's commits, following renames. */
export async function runHistory(ledger: Ledger, ref: string): Promise<{ id: string; commits: HistoryCommit[] }> {
  const run = resolveRun(ledger.root, ledger.config.runs_dir, ref);
  const out = await ledger.git.run(['log', '--follow', '--format=%H%x1f%aI%x1f%an%x1f%s%x1e', '--', run.path]);
  const commits = out
    .split('\x1e')
    .map((r) => r.trim())
    .filter(Boolean)
    .map((r) => {
      const [sha, at, author, subject] = r.split('\x1f');
      return { sha: sha!, at: at!, author: author!, subject: subject! };
    });
  return { id: run.id, commits };
}
