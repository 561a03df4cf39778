/** Cell edits splice one cell's text and keep the rest of the row, alignment included. */
import { describe, expect, it } from 'vitest';
import { cellEdit, cellSpans, splitRow } from '../../../src/markdown/table.js';
import { applyEdits } from '../../../src/markdown/source.js';

const set = (line: string, i: number, v: string) => {
  const e = cellEdit(line, i, v);
  return e ? applyEdits(line, [e]) : null;
};

describe('cellSpans', () => {
  it('finds cells with and without outer pipes, skipping escaped pipes', () => {
    const line = '| a | b \\| c |  |';
    expect(cellSpans(line).map((s) => line.slice(s.start, s.end).trim())).toEqual(splitRow(line));
    const bare = 'a | b';
    expect(cellSpans(bare).map((s) => bare.slice(s.start, s.end).trim())).toEqual(['a', 'b']);
  });
});

describe('cellEdit', () => {
  it('keeps the cell width when the new text fits', () => {
    expect(set('| x | queued  | y |', 1, 'running')).toBe('| x | running | y |');
    expect(set('| x | queued   | y |', 1, 'ok')).toBe('| x | ok       | y |');
  });
  it('grows the cell by as little as it must', () => {
    expect(set('| x | queued | y |', 1, 'completed')).toBe('| x | completed | y |');
  });
  it('fills an empty padded cell and an empty tight one', () => {
    expect(set('| x |          | y |', 1, '0.025')).toBe('| x | 0.025    | y |');
    expect(set('| x || y |', 1, '0.025')).toBe('| x | 0.025 | y |');
  });
  it('escapes pipes in the value and says when the row has no such cell', () => {
    expect(set('| x | a |', 1, 'p|q')).toBe('| x | p\\|q |');
    expect(cellEdit('| x |', 3, 'v')).toBeNull();
  });
});
