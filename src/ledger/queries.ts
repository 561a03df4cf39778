/** Read-only questions about the ledger: list, show, history. No lock, no commit. */
import { closeSync, openSync, readSync, readFileSync, statSync } from 'node:fs';
import type { Ledger } from '../git/ledger-repo.js';
import { RunLogDoc, type Diagnostic } from '../markdown/runlog.js';
import type { StatusEntry } from '../markdown/status-line.js';
import { listRunFiles, resolveRun, type RunFile } from './runs.js';

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

const HEAD_BYTES = 1024;

function readHead(abs: string): string {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * A cheap, exact pre-filter: a YAML value `running` cannot be in a front
 * matter block whose text does not contain "running". Files that pass are
 * parsed in full, so the answer never depends on the shortcut.
 */
function mayMatch(head: string, filter: ListFilter): boolean {
  if (!head.startsWith('---')) return true;
  const close = head.indexOf('\n---', 3);
  if (close === -1) return true;
  const fm = head.slice(0, close);
  if (filter.state && !fm.includes(filter.state)) return false;
  if (filter.type && !fm.includes(filter.type)) return false;
  if (filter.failureClass && !fm.includes(filter.failureClass)) return false;
  return true;
}

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
  for (const f of listRunFiles(ledger.root, ledger.config.runs_dir)) {
    if (filter.group && f.group !== filter.group && !(f.group ?? '').startsWith(`${filter.group}/`)) continue;
    if (!mayMatch(readHead(f.abs), filter)) continue;
    const doc = new RunLogDoc(readFileSync(f.abs, 'utf8'), f.path);
    const v = doc.view;
    if (filter.state && v.state !== filter.state) continue;
    if (filter.type && v.runType !== filter.type) continue;
    if (filter.failureClass && v.failureClass !== filter.failureClass && !lastFailureMentions(v.status, filter.failureClass)) continue;
    diagnostics.push(...doc.errors);
    runs.push({
      id: f.id,
      path: f.path,
      state: v.state,
      runType: v.runType,
      updated: lastStamp(v.status) ?? statSync(f.abs).mtime.toISOString(),
      group: f.group,
      failureClass: v.failureClass,
      stateInferred: v.stateInferred,
    });
  }
  return { runs, diagnostics };
}

/** Hand-kept logs carry the class only in prose: `command_failed — oom_gpu: …`. */
function lastFailureMentions(status: StatusEntry[], cls: string): boolean {
  const last = [...status].reverse().find((e) => !e.continuation);
  return last !== undefined && new RegExp(`\\b${cls}\\b`).test(last.text);
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
