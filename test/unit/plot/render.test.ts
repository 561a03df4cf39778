/**
 * The run chart: golden bytes for five fixture series (regenerate with
 * UPDATE_GOLDEN=1 after a deliberate change, and look at the diff), valid
 * and self-contained SVG, bounded size whatever the length.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svgProblems } from '../../../src/plot/check.js';
import { renderRunChart } from '../../../src/plot/run-chart.js';
import type { RunChart } from '../../../src/plot/types.js';
import { adversarial, long, monotone, resumed, singlePoint, spikyWithGaps } from './fixtures.js';

const GOLDEN = join(__dirname, 'golden');
const FIXTURES: [string, () => RunChart][] = [
  ['monotone', monotone],
  ['spiky-nan-gaps', spikyWithGaps],
  ['resumed', resumed],
  ['single-point', singlePoint],
  ['long-100k', long],
];

describe('run chart golden SVGs', () => {
  for (const [name, make] of FIXTURES) {
    it(`${name}: byte for byte`, () => {
      const svg = renderRunChart(make());
      const file = join(GOLDEN, `${name}.svg`);
      if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, svg);
      expect(svg).toBe(readFileSync(file, 'utf8'));
    });
  }
});

describe('run chart validity', () => {
  for (const [name, make] of [...FIXTURES, ['adversarial', adversarial] as const]) {
    it(`${name}: well-formed, xmlns and viewBox, no script, no external reference, ≤ 60 KB`, () => {
      const svg = renderRunChart(make());
      expect(svgProblems(svg)).toEqual([]);
      expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
      expect(svg).toMatch(/<rect width="\d+" height="\d+" fill="#ffffff"\/>/);
      expect(svg).not.toMatch(/<script|href|url\(|@import/i);
      expect(svg.replace('>NaN/Inf<', '')).not.toMatch(/NaN|Infinity|undefined/);
      expect(Buffer.byteLength(svg)).toBeLessThanOrEqual(60 * 1024);
    });
  }

  it('is the same bytes when rendered twice, and when the same readings come in another order', () => {
    const a = renderRunChart(resumed());
    const shuffled = resumed();
    shuffled.train.segments = shuffled.train.segments.map((s) => [...s].reverse());
    expect(renderRunChart(resumed())).toBe(a);
    expect(renderRunChart(shuffled)).toBe(a);
  });

  it('axis labels, legend and marks are in the SVG text', () => {
    const svg = renderRunChart(resumed());
    for (const label of [
      '>step<',
      '>loss<',
      '>tokens/s<',
      '>train loss<',
      '>val loss<',
      '>attempt 2 (resumed)<',
      '>final checkpoint (step 6000)<',
      '>attempt start<',
    ])
      expect(svg).toContain(label);
    expect(renderRunChart(spikyWithGaps())).toContain('>NaN/Inf<');
  });

  it('labels are escaped: a title with markup stays text', () => {
    const c = monotone();
    c.title = 'a<script>alert(1)</script>&"x"';
    const svg = renderRunChart(c);
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).toContain('a&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;x&quot;');
  });

  it('a run with no readings says so instead of drawing empty axes', () => {
    const svg = renderRunChart({
      title: 'x',
      train: { label: 'train loss', segments: [] },
      val: { label: 'val loss', segments: [] },
      throughput: { label: 'throughput', unit: 'it/s', segments: [] },
      marks: [],
    });
    expect(svg).toContain('>no loss readings<');
    expect(svg).toContain('>no throughput readings<');
    expect(svgProblems(svg)).toEqual([]);
  });

  it('a loss spanning 100× or more is drawn on a log axis; a narrow one is not', () => {
    expect(renderRunChart(long())).toContain('>loss (log)<');
    expect(renderRunChart(monotone())).not.toContain('(log)');
  });
});
