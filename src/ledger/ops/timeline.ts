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

/**
 * `` 1. [`<file>`](<file>) — Sunday, Mar 22nd ``: the hand-kept line, as a
 * link GitHub can follow; `linked: false` writes the plain form, for a list
 * a person keeps that way.
 */
export function timelineLine(n: number, file: string, linked = true): string {
  const d = fileDate(file);
  const name = linked ? `[\`${file}\`](${encodeURI(file)})` : `\`${file}\``;
  return `${n}. ${name}${d ? ` — ${timelineDate(d)}` : ''}`;
}

/** New lines follow the list's own style: links, unless every line it has is plain. */
const linkedStyle = (lines: string[]) => lines.length === 0 || lines.some((l) => /\[`[^`]+`\]\(/.test(l));

/** A line as it reads without the link: `` 1. `<file>` — … `` (what older runlog and people write). */
const unlinked = (line: string) => line.replace(/\[(`[^`]+`)\]\([^)\s]*\)/, '$1');

/** The run file a list line names, or null. */
function fileOf(line: string): string | null {
  return /`([^`]+\.md)`/.exec(line)?.[1] ?? null;
}

export interface TimelineFile {
  file: string;
  /** When the run log was created (ms), when it says: same-day runs are listed in creation order. */
  created?: number;
}

const dayOf = (file: string) => fileDate(file)?.getTime() ?? 0;

/**
 * By the date in the name (`<date>_<task>.md` and `<task>_<date>.md` alike);
 * within a day, the runs the list already has keep its order, and the others
 * follow by creation time, then name. That is where `timelineAdd` puts a new
 * run (after its day), so a rebuild right after an add changes nothing, even
 * for a hand-kept run that says nothing about when it was created.
 */
export function sortRunFiles(files: TimelineFile[], listed: string[] = []): string[] {
  const pos = (f: string) => listed.indexOf(f);
  const byDay = (a: TimelineFile, b: TimelineFile) => {
    const [pa, pb] = [pos(a.file), pos(b.file)];
    if (pa !== -1 || pb !== -1) return pa === -1 ? 1 : pb === -1 ? -1 : pa - pb;
    return (a.created ?? Infinity) - (b.created ?? Infinity) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  };
  return [...files].sort((a, b) => dayOf(a.file) - dayOf(b.file) || byDay(a, b)).map((f) => f.file);
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

/**
 * Add one run to the folder's timeline (creating it from the template): after
 * every run of the same or an earlier date, since it is the newest of its
 * day. Lines after it only get their number moved; every other byte stays.
 */
export function timelineAdd(
  view: LedgerView,
  folder: string,
  group: string | null,
  file: string,
): { path: string; content: string } {
  const path = `${folder}/timeline.md`;
  const existing = view.read(path);
  if (existing === null) {
    const head = renderTemplate(
      loadTemplate('timeline.md', { root: view.root, templatesDir: view.config.templates_dir }),
      { title: timelineTitle(group) },
    );
    return { path, content: `${head}${timelineLine(1, file)}\n` };
  }
  const src = new Source(existing);
  if (src.text.includes(`\`${file}\``)) return { path, content: existing };
  const range = listRange(src);
  if (!range) {
    const sep = existing.endsWith('\n') ? (existing.endsWith('\n\n') ? '' : '\n') : '\n\n';
    return { path, content: existing + src.fragment(`${sep}${timelineLine(1, file)}\n`) };
  }
  const items = src.lines.slice(range.first, range.last + 1).filter((l) => ITEM.test(l.text));
  const linked = linkedStyle(items.map((l) => l.text));
  const day = dayOf(file);
  const after = items.findIndex((l) => {
    const f = fileOf(l.text);
    return f !== null && dayOf(f) > day;
  });
  if (after === -1) {
    const lastLine = src.lines[range.last]!;
    const n = Number(/^ {0,3}(\d+)/.exec(lastLine.text)![1]) + 1;
    const text =
      lastLine.next === lastLine.end ? `\n${timelineLine(n, file, linked)}` : `${timelineLine(n, file, linked)}\n`;
    return {
      path,
      content: applyEdits(existing, [{ start: lastLine.next, end: lastLine.next, text: src.fragment(text) }]),
    };
  }
  const at = items[after]!;
  const n = Number(/^ {0,3}(\d+)/.exec(at.text)![1]);
  const edits = [{ start: at.start, end: at.start, text: src.fragment(`${timelineLine(n, file, linked)}\n`) }];
  for (const l of items.slice(after)) {
    const m = /^( {0,3})(\d+)/.exec(l.text)!;
    edits.push({ start: l.start + m[1]!.length, end: l.start + m[0].length, text: String(Number(m[2]) + 1) });
  }
  return { path, content: applyEdits(existing, edits) };
}

/**
 * Rebuild the numbered list from the run files that exist; keep everything
 * else. A line that already says what the rebuild would (as a link or in the
 * older plain form) is kept as written.
 */
export function timelineRebuild(
  view: LedgerView,
  folder: string,
  group: string | null,
  files: TimelineFile[],
): { path: string; content: string } {
  const path = `${folder}/timeline.md`;
  const existing = view.read(path);
  if (existing === null) {
    const head = renderTemplate(
      loadTemplate('timeline.md', { root: view.root, templatesDir: view.config.templates_dir }),
      { title: timelineTitle(group) },
    );
    return {
      path,
      content: `${head}${sortRunFiles(files)
        .map((f, i) => `${timelineLine(i + 1, f)}\n`)
        .join('')}`,
    };
  }
  const src = new Source(existing);
  const range = listRange(src);
  const current = range ? src.lines.slice(range.first, range.last + 1).map((l) => l.text) : [];
  const listed = current.map(fileOf).filter((f): f is string => f !== null);
  const linked = linkedStyle(current.filter((c) => ITEM.test(c)));
  const lines = sortRunFiles(files, listed).map((f, i) => {
    const line = timelineLine(i + 1, f, linked);
    const same = current.find((c) => fileOf(c) === f && unlinked(c) === unlinked(line));
    return same ?? line;
  });
  const block = src.fragment(lines.join('\n'));
  if (!range) {
    const sep = existing.endsWith('\n') ? (existing.endsWith('\n\n') ? '' : '\n') : '\n\n';
    return { path, content: existing + (lines.length ? `${src.fragment(sep)}${block}${src.eol}` : '') };
  }
  const first = src.lines[range.first]!;
  const last = src.lines[range.last]!;
  return { path, content: applyEdits(existing, [{ start: first.start, end: last.end, text: block }]) };
}
