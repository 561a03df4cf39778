/** What every record operation needs: the run's document and the ledger's settings. */
import { notFound } from '../../core/errors.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import type { Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';

export function runPath(view: LedgerView, id: string): string {
  return `${view.config.runs_dir}/${id}.md`;
}

export function loadRunDoc(view: LedgerView, id: string): { doc: RunLogDoc; path: string } {
  const path = runPath(view, id);
  const text = view.read(path);
  if (text === null)
    throw notFound('RUN_NOT_FOUND', `no run log at ${path}`, 'see `runlog list` for the runs in this ledger');
  return { doc: new RunLogDoc(text, path), path };
}

export function groupOf(id: string): string | null {
  const i = id.lastIndexOf('/');
  return i === -1 ? null : id.slice(0, i);
}

export function folderOf(view: LedgerView, id: string): string {
  const g = groupOf(id);
  return g ? `${view.config.runs_dir}/${g}` : view.config.runs_dir;
}

/** A view whose reads see earlier writes: lets one operation build on another's result. */
export function overlay(view: LedgerView, writes: Write[]): LedgerView {
  const map = new Map(writes.map((w) => [w.path, w.content]));
  return { ...view, read: (p) => (map.has(p) ? map.get(p)! : view.read(p)) };
}

/** Writes of several operations as one: a later write to a path replaces an earlier one. */
export function mergeWrites(...lists: Write[][]): Write[] {
  const map = new Map<string, string>();
  for (const list of lists) for (const w of list) map.set(w.path, w.content);
  return [...map].map(([path, content]) => ({ path, content }));
}
