/**
 * experiments.md: the comparison table of a folder's experiment runs
 * (run | description | val_loss | status | notes, plus any columns the user
 * added). runlog fills the columns it knows and leaves the others alone.
 */
import { Source, applyEdits, type Edit } from '../../markdown/source.js';
import { findTables, formatRow, type Table } from '../../markdown/table.js';
import { loadTemplate } from '../templates.js';
import type { LedgerView } from '../operation.js';

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

function rowFor(table: Table, run: string): number {
  const c = column(table, 'run');
  if (c === -1) return -1;
  const stem = run.split('/').pop()!;
  return table.rows.findIndex((r) => {
    const v = (r.cells[c] ?? '').replace(/`/g, '').replace(/\.md$/, '');
    return v === stem || v === run;
  });
}

/**
 * Insert or update the rows. `fill` says which known cells may overwrite an
 * existing value (status and val_loss follow the run; description and notes
 * are the user's once written).
 */
export async function experimentsUpsert(view: LedgerView, folder: string, rows: ExperimentRow[], fill: (keyof ExperimentRow)[] = ['status', 'val_loss']): Promise<{ path: string; content: string }> {
  const path = `${folder}/experiments.md`;
  const existing = view.read(path) ?? loadTemplate('experiments.md', { root: view.root, templatesDir: view.config.templates_dir });
  const src = new Source(existing);
  const table = (await findTables(src)).find((t) => column(t, 'run') !== -1);
  if (!table) {
    const sep = existing.endsWith('\n') ? '\n' : '\n\n';
    const header = [...KNOWN];
    const body = rows.map((r) => formatRow(header.map((h) => r[h] ?? ''))).join('\n');
    return { path, content: existing + src.fragment(`${sep}${formatRow(header)}\n|${header.map(() => '---').join('|')}|\n${body}\n`) };
  }
  const edits: Edit[] = [];
  const added: string[] = [];
  for (const row of rows) {
    const idx = rowFor(table, row.run);
    if (idx === -1) {
      added.push(formatRow(table.header.map((h) => {
        const k = h.toLowerCase().replace(/[\s-]+/g, '_') as keyof ExperimentRow;
        return (KNOWN as readonly string[]).includes(k) ? (row[k] ?? '') : '';
      })));
      continue;
    }
    const r = table.rows[idx]!;
    const cells = [...r.cells];
    while (cells.length < table.header.length) cells.push('');
    let changed = false;
    for (const key of fill) {
      const c = column(table, key);
      const v = row[key];
      if (c === -1 || v === undefined || cells[c] === v) continue;
      cells[c] = v;
      changed = true;
    }
    if (changed) {
      const line = src.lines[r.lineIndex]!;
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
