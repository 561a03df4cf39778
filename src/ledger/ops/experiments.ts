/**
 * experiments.md: the comparison table of a folder's experiment runs
 * (run | description | val_loss | status | notes, plus any columns the user
 * added). runlog fills the columns it knows and leaves the others alone.
 */
import { Source, applyEdits, type Edit } from '../../markdown/source.js';
import { cellEdit, findTables, formatRow, type Table } from '../../markdown/table.js';
import { isState } from '../../core/lifecycle.js';
import { loadTemplate } from '../templates.js';
import type { LedgerView } from '../../git/ledger-repo.js';

export interface ExperimentRow {
  run: string;
  description?: string;
  val_loss?: string;
  status?: string;
  notes?: string;
}

const KNOWN = ['run', 'description', 'val_loss', 'status', 'notes'] as const;

function column(table: Table, name: string): number {
  return table.header.findIndex((h) => h.toLowerCase().replace(/[\s-]+/g, '_') === name);
}

/** The run a cell names: `train_x`, `` `train_x.md` ``, or a link `[train x](train_x.md)`. */
function namesOf(cell: string): string[] {
  const link = /^\[([^\]]*)\]\(([^)\s]*)[^)]*\)$/.exec(cell.trim());
  const names = link ? [link[1]!, link[2]!.split('/').pop()!] : [cell];
  return names.map((n) => n.replace(/`/g, '').trim().replace(/\.md$/, ''));
}

function rowFor(table: Table, run: string): number {
  const c = column(table, 'run');
  if (c === -1) return -1;
  const stem = run.split('/').pop()!;
  return table.rows.findIndex((r) => namesOf(r.cells[c] ?? '').some((v) => v === stem || v === run));
}

/** A new row names its run as a link GitHub can follow: `[<run>](<run>.md)`. */
const runLink = (run: string) => `[${run}](${encodeURI(run)}.md)`;

const NUMBER = /^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?$/i;

/**
 * Whether runlog may write `value` over a cell: an empty cell always; a
 * status cell only while it holds a run state (a verdict such as `keep` or
 * `discard` is the user's); a val_loss cell only while it holds a plain
 * number; any other cell never once written.
 */
function mayOverwrite(key: keyof ExperimentRow, current: string): boolean {
  if (current === '') return true;
  if (key === 'status') return isState(current);
  if (key === 'val_loss') return NUMBER.test(current);
  return false;
}

/**
 * Insert or update the rows. `fill` says which known cells runlog keeps
 * up to date (status and val_loss follow the run; description and notes are
 * the user's once written); only the changed cell's text is spliced, so the
 * user's columns, order and alignment stay as they are.
 */
export async function experimentsUpsert(
  view: LedgerView,
  folder: string,
  rows: ExperimentRow[],
  fill: (keyof ExperimentRow)[] = ['status', 'val_loss'],
): Promise<{ path: string; content: string }> {
  const path = `${folder}/experiments.md`;
  const existing =
    view.read(path) ?? loadTemplate('experiments.md', { root: view.root, templatesDir: view.config.templates_dir });
  const src = new Source(existing);
  const table = (await findTables(src)).find((t) => column(t, 'run') !== -1);
  if (!table) {
    const sep = existing.endsWith('\n') ? '\n' : '\n\n';
    const header = [...KNOWN];
    const body = rows
      .map((r) => formatRow(header.map((h) => (h === 'run' ? runLink(r.run) : (r[h] ?? '')))))
      .join('\n');
    return {
      path,
      content: existing + src.fragment(`${sep}${formatRow(header)}\n|${header.map(() => '---').join('|')}|\n${body}\n`),
    };
  }
  const edits: Edit[] = [];
  const added: string[] = [];
  for (const row of rows) {
    const idx = rowFor(table, row.run);
    if (idx === -1) {
      added.push(
        formatRow(
          table.header.map((h) => {
            const k = h.toLowerCase().replace(/[\s-]+/g, '_') as keyof ExperimentRow;
            if (k === 'run') return runLink(row.run);
            return (KNOWN as readonly string[]).includes(k) ? (row[k] ?? '') : '';
          }),
        ),
      );
      continue;
    }
    const r = table.rows[idx]!;
    const line = src.lines[r.lineIndex]!;
    const changes: [number, string][] = [];
    for (const key of fill) {
      const c = column(table, key);
      const v = row[key];
      const current = r.cells[c] ?? '';
      if (c !== -1 && v !== undefined && v !== '' && current !== v && mayOverwrite(key, current)) changes.push([c, v]);
    }
    const cellEdits = changes.map(([c, v]) => cellEdit(line.text, c, v));
    if (cellEdits.every((e) => e !== null)) {
      for (const e of cellEdits) edits.push({ start: line.start + e!.start, end: line.start + e!.end, text: e!.text });
    } else {
      // The row is short of cells: write it whole, padded to the header.
      const cells = [...r.cells];
      while (cells.length < table.header.length) cells.push('');
      for (const [c, v] of changes) cells[c] = v;
      edits.push({ start: line.start, end: line.end, text: formatRow(cells) });
    }
  }
  if (added.length > 0) {
    const lastIdx = table.rows.length > 0 ? table.rows[table.rows.length - 1]!.lineIndex : table.delimiterLine;
    const last = src.lines[lastIdx]!;
    const text = last.next === last.end ? `\n${added.join('\n')}` : `${added.join('\n')}\n`;
    edits.push({ start: last.next, end: last.next, text: src.fragment(text) });
  }
  return { path, content: applyEdits(existing, edits) };
}
