// The streamed --json document is byte for byte JSON.stringify(value, null, 2).
import { describe, expect, it } from 'vitest';
import { writeJsonDocument } from '../../../src/cli/json-stream.js';

const streamed = (v: object) => {
  const chunks: string[] = [];
  writeJsonDocument(v, (c) => chunks.push(c));
  return { text: chunks.join(''), chunks: chunks.length };
};

describe('writeJsonDocument', () => {
  const cases: object[] = [
    {},
    { runs: [] },
    { runs: [{ id: 'a', n: 1, nested: { x: [1, 2, { y: 'z\nq' }] }, none: null, gone: undefined }], warnings: [] },
    { a: 1, b: 'two', c: [1, 'x', null, undefined, () => 1], d: { e: [] }, f: undefined, g: true },
    [1, 2, 3],
    { toJSON: () => ({ replaced: true }) },
    { date: new Date(0), list: [new Date(1)] },
    { 'we"ird\tkey': ['\u2028', '—'] },
    {
      runs: Array.from({ length: 1201 }, (_, i) =>
        i % 7 === 0 ? undefined : i % 5 === 0 ? [i, { x: null }] : { id: i, s: 'a\nb' },
      ),
      'k"2': { deep: [1] },
      last: [],
    },
  ];
  for (const v of cases) {
    it(`matches JSON.stringify for ${JSON.stringify(v).slice(0, 80)}`, () => {
      expect(streamed(v).text).toBe(`${JSON.stringify(v, null, 2)}\n`);
    });
  }

  it('writes a long array in many chunks', () => {
    const runs = Array.from({ length: 5000 }, (_, i) => ({
      id: `group/2026-03-22_run${i}`,
      state: 'running',
      updated: '2026-03-22T10:00:00Z',
    }));
    const out = streamed({ runs, warnings: ['w'] });
    expect(out.text).toBe(`${JSON.stringify({ runs, warnings: ['w'] }, null, 2)}\n`);
    expect(out.chunks).toBeGreaterThan(5);
  });
});
