/** Read-only questions about the ledger: list, show, history. No lock, no commit. */
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import type { Ledger } from '../../git/ledger-repo.js';
import { RunLogDoc, type Diagnostic } from '../../markdown/runlog.js';
import type { StatusEntry } from '../../markdown/status-line.js';
import { join, sep } from 'node:path';
import { listRunIds, resolveRun, type RunFile } from './runs.js';
import { RunIndex, type RunHead, type RunSummary } from './run-index.js';
import { cleanBlobs } from '../../git/clean-blobs.js';
import { plainFrontMatter, plainIsValid } from '../../markdown/frontmatter.js';
import { failureClassOf } from './run-facts.js';

export interface ListFilter {
  state?: string;
  group?: string;
  /** A campaign's runs: the run logs directly in its folder (`run_logs/<id>/`). */
  campaign?: string;
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

/**
 * Below this many run logs, a stat per file costs less than the two git calls
 * that vouch for clean files instead (~9 µs a stat from node, ~5 ms a git spawn).
 */
const GIT_KEYS_FROM = 2000;

/** Front matter is at the top: one read of this much answers `state` and `run_type` for almost every run log. */
const HEAD_BYTES = 4096;

/**
 * Runs matching `filter`, in id order. Reads as little as the question needs:
 * an unchanged file is answered from the run index; a new or changed one is
 * read for its front matter first, and parsed whole only when it passes the
 * state and type filters (or has no usable front matter: a hand-kept log's
 * state lives in its Status entries).
 */
export async function listRuns(
  ledger: Ledger,
  filter: ListFilter,
  gitKeysFrom = GIT_KEYS_FROM,
): Promise<{ runs: ListedRun[]; diagnostics: Diagnostic[] }> {
  const runs: ListedRun[] = [];
  const diagnostics: Diagnostic[] = [];
  const index = RunIndex.open(ledger.gitDir);
  const runsDir = ledger.config.runs_dir;
  const ids = listRunIds(ledger.root, runsDir);
  const base = join(ledger.root, runsDir);
  // Clean tracked files git vouches for by blob id; only those whose index line is missing or stale keep theirs here.
  const gitKeys = ids.length >= gitKeysFrom;
  const blobs = new Map<string, string>();
  if (gitKeys)
    await cleanBlobs(
      ledger.git,
      ledger.gitTop,
      ledger.root,
      runsDir,
      (path, blob) => index.vouch(path, `g${blob}`) || blobs.set(path, blob),
    );
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  for (const id of ids) {
    // Built per run, not kept: a RunFile for each of 100,000 runs is ~25 MB.
    const slash = id.lastIndexOf('/');
    const f = {
      id,
      path: `${runsDir}/${id}.md`,
      abs: `${base}${sep}${sep === '/' ? id : id.split('/').join(sep)}.md`,
      group: slash === -1 ? null : id.slice(0, slash),
    };
    if (filter.group && f.group !== filter.group && !(f.group ?? '').startsWith(`${filter.group}/`)) continue;
    if (filter.campaign && f.group !== filter.campaign) continue;
    const known = gitKeys ? index.vouched(f.path) : undefined;
    let e = known?.e;
    let key = known?.key ?? '';
    if (!e) {
      const blob = blobs.get(f.path);
      key = blob ? `g${blob}` : statKey(f.abs);
      e = index.get(f.path, key);
    }
    let text: string | null = null;
    if (!e) {
      const read = readHead(f.abs, head);
      text = read.whole ? read.text : null;
      e = headSummary(read.text) ?? summarize(text ?? readFileSync(f.abs, 'utf8'), f.path);
      index.set(f.path, key, e);
    }
    if ('notARun' in e && e.notARun) continue;
    if (filter.state && e.state !== filter.state) continue;
    if (filter.type && e.runType !== filter.type) continue;
    if ('head' in e) {
      e = summarize(text ?? readFileSync(f.abs, 'utf8'), f.path);
      index.set(f.path, key, e);
    }
    if (filter.failureClass && e.failureClass !== filter.failureClass) continue;
    diagnostics.push(...e.errors);
    runs.push({
      id: f.id,
      path: f.path,
      state: e.state,
      runType: e.runType,
      updated: e.updated ?? statSync(f.abs).mtime.toISOString(),
      group: f.group,
      failureClass: e.failureClass,
      stateInferred: e.stateInferred,
    });
  }
  // Which index lines still have a file, asked by id: a Set of 100,000 built paths is ~13 MB.
  const live = new Set(ids);
  index.save((path) => live.has(path.slice(runsDir.length + 1, -3)));
  return { runs, diagnostics };
}

function statKey(abs: string): string {
  const st = statSync(abs);
  return `s${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

function readHead(abs: string, buf: Buffer): { text: string; whole: boolean } {
  const fd = openSync(abs, 'r');
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.toString('utf8', 0, n), whole: n < buf.length };
  } finally {
    closeSync(fd);
  }
}

/** State and run type from plain, valid front matter that closes within the head; null when the whole file must be read. */
function headSummary(head: string): RunHead | null {
  if (!head.startsWith('---\n')) return null;
  const close = head.indexOf('\n---\n', 3);
  if (close === -1) return null;
  // Every line `key: value` also rules out a `---` variant that would close the block earlier.
  const fm = plainFrontMatter(head.slice(4, close + 1));
  return fm && plainIsValid(fm) ? { head: true, state: fm.state, runType: fm.run_type } : null;
}

function summarize(text: string, path: string): RunSummary {
  const doc = new RunLogDoc(text, path);
  const v = doc.view;
  if (!doc.isRun)
    return {
      state: v.state,
      runType: null,
      failureClass: null,
      updated: null,
      stateInferred: true,
      errors: [],
      notARun: true,
    };
  return {
    state: v.state,
    runType: v.runType,
    failureClass: failureClassOf(v),
    updated: lastStamp(v.status),
    stateInferred: v.stateInferred,
    errors: doc.errors,
  };
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
