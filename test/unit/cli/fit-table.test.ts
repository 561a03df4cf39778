import { describe, expect, it } from 'vitest';
import { cut, fitTable, len } from '../../../src/cli/render/fit-table.js';

const cols = [
  { header: 'run', cutStart: true, min: 8 },
  { header: 'state' },
  { header: 'loss', align: 'right' as const },
];
const rows = [
  ['group/2026-03-22_a_very_long_task_name', 'completed', '0.125'],
  ['group/2026-03-23_short', 'running', '1.5'],
];

describe('a table that fits the terminal', () => {
  it('keeps natural widths when they fit; numbers right-aligned', () => {
    const { lines, hidden } = fitTable(cols, rows, 200);
    expect(hidden).toBe(0);
    expect(lines[0]).toBe(`${'run'.padEnd(38)}  state       loss`);
    expect(lines[3]).toBe(`${'group/2026-03-23_short'.padEnd(38)}  running      1.5`);
  });

  it('cuts the widest cells first, ids from the start, and never wraps', () => {
    const { lines, hidden } = fitTable(cols, rows, 30);
    expect(hidden).toBe(0);
    for (const l of lines) expect(len(l)).toBeLessThanOrEqual(30);
    expect(lines[2]!.startsWith('…')).toBe(true);
    expect(lines[2]).toBe('…g_task_name  completed  0.125');
    const narrow = fitTable(cols, rows, 24).lines;
    expect(narrow[2]).toBe('…sk_name  comple…  0.125');
  });

  it('leaves out the rightmost columns when even the narrowest do not fit', () => {
    const { lines, hidden } = fitTable(cols, rows, 16);
    expect(hidden).toBe(1);
    for (const l of lines) expect(len(l)).toBeLessThanOrEqual(16);
  });

  it('cut counts characters, not UTF-16 units', () => {
    expect(cut('αβγδε', 3)).toBe('αβ…');
    expect(cut('αβγδε', 3, true)).toBe('…δε');
    expect(cut('ab', 3)).toBe('ab');
  });
});
