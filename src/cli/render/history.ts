/** `runlog history --entries` for people: one Status entry a line, after the commit that wrote it. */
import type { HistoryEntriesResult } from '../../schemas/output.js';
import { printable } from './fit-table.js';

export function renderEntryHistory(r: HistoryEntriesResult): string[] {
  const authors = r.entries.map((e) => (e.commit ? `${e.commit.author} <${e.commit.authorEmail}>` : '(not committed)'));
  const w = Math.max(0, ...authors.map((a) => a.length));
  const out = r.entries.map((e, i) => {
    const who = e.commit
      ? `${e.commit.sha.slice(0, 12)}  ${e.commit.authorTime}`
      : `${'-'.repeat(12)}  ${' '.repeat(20)}`;
    const moved = e.commit && e.commit.path !== r.path ? `  (in ${e.commit.path})` : '';
    const entry = e.continuation ? `    ${e.text}` : `${e.stamp ?? ''} — ${e.text}`;
    return `${who}  ${authors[i]!.padEnd(w)}  L${e.line}  ${entry}${moved}`;
  });
  return out.length > 0 ? out.map(printable) : [`${r.id}: no Status entries`];
}
