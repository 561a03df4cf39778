/**
 * A plain-text table that fits a terminal: cells too wide are cut with `…`,
 * the widest columns first, and rows never wrap. When even the narrowest
 * columns do not fit, the rightmost columns are left out and the caller is
 * told how many.
 */

export interface Column {
  header: string;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Cut from the start (`…/2026-03-22_train`): ids differ at their end. */
  cutStart?: boolean;
  /** Never narrower than this (default 6, or the column's natural width when smaller). */
  min?: number;
}

const GAP = 2;

export const len = (s: string): number => [...s].length;

/**
 * Text from a run log (anyone's clone) shown on a terminal: control
 * characters, escape sequences included, become `?`, so a cell cannot move
 * the cursor, retitle the window or hide the rows around it.
 */
export function printable(s: string): string {
  return s.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

export function cut(s: string, width: number, fromStart = false): string {
  const chars = [...s];
  if (chars.length <= width) return s;
  if (width <= 1) return '…'.slice(0, width);
  return fromStart ? `…${chars.slice(chars.length - width + 1).join('')}` : `${chars.slice(0, width - 1).join('')}…`;
}

function pad(s: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - len(s)));
  return align === 'right' ? fill + s : s + fill;
}

/** Column widths for `width` characters: the widest shrink first, down to their minimum. */
function widths(natural: number[], mins: number[], width: number): number[] {
  const w = [...natural];
  let total = w.reduce((a, b) => a + b, 0) + GAP * (w.length - 1);
  while (total > width) {
    let widest = -1;
    for (let i = 0; i < w.length; i++) if (w[i]! > mins[i]! && (widest === -1 || w[i]! > w[widest]!)) widest = i;
    if (widest === -1) break;
    const target = Math.max(mins[widest]!, w[widest]! - (total - width));
    // Shrink to the next-widest column's width at most, so wide columns share the cut.
    const next = Math.max(...w.filter((_, i) => i !== widest), mins[widest]!);
    const to = Math.max(target, Math.min(w[widest]! - 1, next));
    total -= w[widest]! - to;
    w[widest] = to;
  }
  return w;
}

/** The table's lines (header, rule, rows) and how many columns on the right did not fit. */
export function fitTable(columns: Column[], raw: string[][], width: number): { lines: string[]; hidden: number } {
  const rows = raw.map((r) => r.map(printable));
  let cols = columns.map((c) => ({ ...c, header: printable(c.header) }));
  const all = cols.length;
  for (;;) {
    const natural = cols.map((c, i) => Math.max(len(c.header), ...rows.map((r) => len(r[i] ?? ''))));
    const mins = cols.map((c, i) => Math.min(natural[i]!, c.min ?? 6));
    const fits = mins.reduce((a, b) => a + b, 0) + GAP * (cols.length - 1) <= width;
    if (!fits && cols.length > 1) {
      cols = cols.slice(0, -1);
      continue;
    }
    const w = widths(natural, mins, width);
    const line = (cells: string[]) =>
      cols
        .map((c, i) => pad(cut(cells[i] ?? '', w[i]!, c.cutStart), w[i]!, c.align ?? 'left'))
        .join(' '.repeat(GAP))
        .trimEnd();
    const lines = [line(cols.map((c) => c.header)), line(w.map((n) => '─'.repeat(n))), ...rows.map(line)];
    // One column wider than the terminal: it is cut too.
    return { lines: lines.map((l) => cut(l, width)), hidden: all - cols.length };
  }
}
