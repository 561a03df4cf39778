/**
 * GFM tables, located with the remark tree and edited as strings: a table's
 * rows are found from the parse, cells are split on unescaped pipes, and only
 * the cells an operation means to change are rewritten. Unknown columns and
 * the user's column order are kept.
 */
import type { Source } from './source.js';

export interface TableRow {
  /** Index into source.lines. */
  lineIndex: number;
  cells: string[];
}

export interface Table {
  header: string[];
  headerLine: number;
  delimiterLine: number;
  rows: TableRow[];
}

export async function findTables(src: Source): Promise<Table[]> {
  const [{ unified }, { default: remarkParse }, { default: remarkGfm }] = await Promise.all([
    import('unified'),
    import('remark-parse'),
    import('remark-gfm'),
  ]);
  const tree = unified().use(remarkParse).use(remarkGfm).parse(src.text);
  const tables: Table[] = [];
  for (const node of tree.children) {
    if (node.type !== 'table' || !node.position) continue;
    const startLine = node.position.start.line - 1;
    const endLine = node.position.end.line - 1;
    const header = splitRow(src.lines[startLine]!.text);
    const rows: TableRow[] = [];
    for (let i = startLine + 2; i <= endLine; i++) rows.push({ lineIndex: i, cells: splitRow(src.lines[i]!.text) });
    tables.push({ header, headerLine: startLine, delimiterLine: startLine + 1, rows });
  }
  return tables;
}

export function splitRow(line: string): string[] {
  let t = line.trim();
  if (t.startsWith('|')) t = t.slice(1);
  if (t.endsWith('|') && !t.endsWith('\\|')) t = t.slice(0, -1);
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < t.length; i++) {
    if (t[i] === '\\' && t[i + 1] === '|') {
      cur += '\\|';
      i++;
    } else if (t[i] === '|') {
      cells.push(cur.trim());
      cur = '';
    } else cur += t[i];
  }
  cells.push(cur.trim());
  return cells;
}

export function formatRow(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
}

/** Where each cell's text sits in a row line: the span between its pipes (or the line's edges). */
export function cellSpans(line: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  const lead = /^[ \t]*/.exec(line)![0].length;
  let cellStart = line[lead] === '|' ? lead + 1 : 0;
  for (let j = cellStart; j < line.length; j++) {
    if (line[j] === '\\' && line[j + 1] === '|') j++;
    else if (line[j] === '|') {
      spans.push({ start: cellStart, end: j });
      cellStart = j + 1;
    }
  }
  if (line.slice(cellStart).trim() !== '') spans.push({ start: cellStart, end: line.length });
  return spans;
}

/**
 * Replace one cell's text in a row, keeping the row's other bytes and, when
 * the new text fits, the cell's width (so an aligned table stays aligned).
 * Null when the row has no such cell.
 */
export function cellEdit(
  line: string,
  index: number,
  value: string,
): { start: number; end: number; text: string } | null {
  const span = cellSpans(line)[index];
  if (!span) return null;
  const text = value.replace(/(?<!\\)\|/g, '\\|');
  const inner = line.slice(span.start, span.end);
  const content = inner.trim();
  if (content === '') {
    return {
      start: span.start,
      end: span.end,
      text: ` ${text}${' '.repeat(Math.max(1, inner.length - 1 - text.length))}`,
    };
  }
  const from = span.start + inner.indexOf(content);
  const trail = span.end - (from + content.length);
  return {
    start: from,
    end: span.end,
    text: trail === 0 ? text : `${text}${' '.repeat(Math.max(1, content.length + trail - text.length))}`,
  };
}
