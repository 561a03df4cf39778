/**
 * Every Status entry of a run with the commit that wrote it: who appended
 * what, when, and from which clone (its author), following renames, so a
 * reviewer can audit a run's record through git. An entry's own stamp is
 * what its writer claimed; the commit's time is when it reached the ledger.
 */
import { readFileSync } from 'node:fs';
import type { Ledger } from '../../git/ledger-repo.js';
import { blameFile, type LineAuthor } from '../../git/blame.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { resolveRun } from './runs.js';

export interface AttributedEntry {
  line: number;
  at: string | null;
  stamp: string | null;
  state: string | null;
  step: number | null;
  text: string;
  continuation: boolean;
  /** Null while the line is not committed yet. */
  commit: LineAuthor | null;
}

export async function entryHistory(
  ledger: Ledger,
  ref: string,
): Promise<{ id: string; path: string; entries: AttributedEntry[] }> {
  const run = resolveRun(ledger.root, ledger.config.runs_dir, ref);
  const doc = new RunLogDoc(readFileSync(run.abs, 'utf8'), run.path);
  const blame = await blameFile(ledger.git, run.path);
  const entries = doc.view.status.map((e) => ({
    line: e.line,
    at: e.at,
    stamp: e.stamp,
    state: e.state,
    step: e.step,
    text: e.text,
    continuation: e.continuation,
    commit: blame?.[e.line - 1] ?? null,
  }));
  return { id: run.id, path: run.path, entries };
}
