/**
 * timeline.md: one per run folder, a numbered list of the folder's run logs
 * in date order with human-readable dates. Anything around the list (the
 * heading, hand-written notes) is kept as it is.
 */
import { Source, applyEdits } from '../../markdown/source.js';
import { outline } from '../../markdown/outline.js';
import { timelineDate } from '../../core/time.js';
import { loadTemplate, renderTemplate } from '../templates.js';
import type { LedgerView } from '../../git/ledger-repo.js';

const ITEM = /^ {0,3}\d+[.)][ \t]+/;

export function timelineTitle(group: string | null): string {
  if (!group) return 'Run';
  const last = group.split('/').pop()!;
  return last
    .split(/[_-]+/)
    .filter(Boolean)
    .map((w) => (/\d/.test(w) && w.length <= 5 ? w.toUpperCase() : w[0]!.toUpperCase() + w.slice(1)))
    .join(' ');
}

function fileDate(file: string): Date | null {
  const m = /(\d{4}-\d{2}-\d{2})/.exec(file);
  if (!m) return null;
  const d = new Date(`${m[1]}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function timelineLine(n: number, file: string): string {
  const d = fileDate(file);
  return `${n}. \`${file}\`${d ? ` — ${timelineDate(d)}` : ''}`;
}

/** Sort by the date in the name, then by name: `<date>_<task>.md` and `<task>_<date>.md` alike. */
export function sortRunFiles(files: string[]): string[] {
  return [...files].sort((a, b) => {
    const da = fileDate(a)?.getTime() ?? 0;
    const db = fileDate(b)?.getTime() ?? 0;
    return da - db || (a < b ? -1 : a > b ? 1 : 0);
  });
}

/** The numbered list's line range in an existing timeline, or null. */
function listRange(src: Source): { first: number; last: number } | null {
  const o = outline(src);
  const from = o.contentStart;
  let first = -1;
  let last = -1;
  for (let i = from; i < src.lines.length; i++) {
    const t = src.lines[i]!.text;
    // A numbered line in a code block or a comment is not the list.
    if (o.hidden[i]) {
      if (first !== -1) break;
      continue;
    }
    if (ITEM.test(t)) {
      if (first === -1) first = i;
      last = i;
    } else if (first !== -1 && t.trim() !== '' && !/^[ \t]+\S/.test(t)) break;
  }
  return first === -1 ? null : { first, last };
}

/** Add one run at the end of the folder's timeline (creating it from the template). */
export function timelineAdd(view: LedgerView, folder: string, group: string | null, file: string): { path: string; content: string } {
  const path = `${folder}/timeline.md`;
  const existing = view.read(path);
  if (existing === null) {
    const head = renderTemplate(loadTemplate('timeline.md', { root: view.root, templatesDir: view.config.templates_dir }), { title: timelineTitle(group) });
    return { path, content: `${head}${timelineLine(1, file)}\n` };
  }
  const src = new Source(existing);
  if (src.text.includes(`\`${file}\``)) return { path, content: existing };
  const range = listRange(src);
  if (!range) {
    const sep = existing.endsWith('\n') ? (existing.endsWith('\n\n') ? '' : '\n') : '\n\n';
    return { path, content: existing + src.fragment(`${sep}${timelineLine(1, file)}\n`) };
  }
  const lastLine = src.lines[range.last]!;
  const n = Number(/^ {0,3}(\d+)/.exec(lastLine.text)![1]) + 1;
  const text = lastLine.next === lastLine.end ? `\n${timelineLine(n, file)}` : `${timelineLine(n, file)}\n`;
  return { path, content: applyEdits(existing, [{ start: lastLine.next, end: lastLine.next, text: src.fragment(text) }]) };
}

/** Rebuild the numbered list from the run files that exist; keep everything else. */
export function timelineRebuild(view: LedgerView, folder: string, group: string | null, files: string[]): { path: string; content: string } {
  const path = `${folder}/timeline.md`;
  const lines = sortRunFiles(files).map((f, i) => timelineLine(i + 1, f));
  const existing = view.read(path);
  if (existing === null) {
    const head = renderTemplate(loadTemplate('timeline.md', { root: view.root, templatesDir: view.config.templates_dir }), { title: timelineTitle(group) });
    return { path, content: `${head}${lines.map((l) => `${l}\n`).join('')}` };
  }
  const src = new Source(existing);
  const range = listRange(src);
  const block = src.fragment(lines.join('\n'));
  if (!range) {
    const sep = existing.endsWith('\n') ? (existing.endsWith('\n\n') ? '' : '\n') : '\n\n';
    return { path, content: existing + (lines.length ? `${src.fragment(sep)}${block}${src.eol}` : '') };
  }
  const first = src.lines[range.first]!;
  const last = src.lines[range.last]!;
  return { path, content: applyEdits(existing, [{ start: first.start, end: last.end, text: block }]) };
}
