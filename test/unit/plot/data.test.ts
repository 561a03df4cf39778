/** Downsampling, the trailer codec, readings from a run log, the sparkline, the SVG allow-list. */
import { describe, expect, it } from 'vitest';
import { mapSvgText, svgProblems } from '../../../src/plot/check.js';
import { decodeReadings, encodeReadings } from '../../../src/plot/codec.js';
import { downsampleSegment, downsampleSegments } from '../../../src/plot/downsample.js';
import { readingsFromLog, readingsFromStatus, runChartOf } from '../../../src/plot/readings.js';
import { renderRunChart } from '../../../src/plot/run-chart.js';
import { sparkline } from '../../../src/plot/sparkline.js';
import type { Point } from '../../../src/plot/types.js';
import { RunLogDoc } from '../../../src/markdown/runlog.js';
import { parseProgress } from '../../../src/signals/progress.js';
import { lcg } from './fixtures.js';

describe('downsampleSegment', () => {
  const rnd = lcg(3);
  const seg: Point[] = Array.from({ length: 100_000 }, (_, i) => [
    i,
    i === 31_337 ? 50 : i === 77_000 ? -20 : i >= 50_000 && i < 50_010 ? Number.NaN : rnd(),
  ]);

  it('keeps every spike, the first NaN of a gap, and both ends, in order', () => {
    const out = downsampleSegment(seg, 200);
    expect(out.length).toBeLessThanOrEqual(200 * 7);
    expect(out).toContainEqual([31_337, 50]);
    expect(out).toContainEqual([77_000, -20]);
    expect(out.some((p) => p[0] === 50_000 && Number.isNaN(p[1]))).toBe(true);
    expect(out[0]).toEqual(seg[0]);
    expect(out.at(-1)).toEqual(seg.at(-1));
    for (let i = 1; i < out.length; i++) expect(out[i]![0]).toBeGreaterThanOrEqual(out[i - 1]![0]);
  });

  it('a finite reading after a gap in the same bucket stays on the far side of the break', () => {
    const out = downsampleSegment(
      [
        [0, 1],
        [1, 2],
        [2, Number.NaN],
        [3, 5],
        [4, 0.5],
        [100, 1],
      ],
      2,
    );
    expect(out.map((p) => p[0])).toEqual([0, 1, 2, 3, 4, 100]);
  });

  it('segments share the budget by the steps they span', () => {
    const a: Point[] = Array.from({ length: 10_000 }, (_, i) => [i, rnd()]);
    const b: Point[] = Array.from({ length: 1000 }, (_, i) => [9000 + i, rnd()]);
    const [da, db] = downsampleSegments([a, b], 200);
    expect(da!.length).toBeGreaterThan(db!.length * 5);
    expect(da!.length + db!.length).toBeLessThanOrEqual(7 * 202);
  });
});

describe('trailer codec', () => {
  it('round-trips readings (NaN and infinities included) at 6 significant digits', () => {
    const r = {
      attempt: 2,
      train: [
        [10, 2.3456789],
        [20, Number.NaN],
        [30, Infinity],
        [40, -Infinity],
      ] as Point[],
      val: [] as Point[],
      throughput: { 'tokens/s': [[10, 12345.678]] as Point[] },
    };
    const back = decodeReadings(JSON.parse(JSON.stringify(encodeReadings([r]))), 'x');
    expect(back).toEqual([
      {
        attempt: 2,
        train: [
          [10, 2.34568],
          [20, Number.NaN],
          [30, Infinity],
          [40, -Infinity],
        ],
        val: [],
        throughput: { 'tokens/s': [[10, 12345.7]] },
      },
    ]);
  });

  it('a 100,000-reading series travels as a bounded string', () => {
    const rnd = lcg(9);
    const [enc] = encodeReadings([
      {
        attempt: 1,
        train: Array.from({ length: 100_000 }, (_, i): Point => [i * 10, 3 * Math.exp(-i / 2e4) + rnd()]),
        val: [],
        throughput: {},
      },
    ]);
    expect(enc!.train!.length).toBeLessThan(20_000);
  });

  it('refuses what runlog would not have written, naming the commit’s run', () => {
    for (const bad of [
      [{ attempt: 0 }],
      [{ attempt: 1, train: '1:2 x:3' }],
      [{ attempt: 1, train: '1:2:3' }],
      [{ attempt: 1, throughput: { '<script>': '1:2' } }],
      [{ attempt: 1, extra: 1 }],
      'nope',
    ]) {
      expect(() => decodeReadings(bad, 'g/r')).toThrow(/chart readings of g\/r/);
    }
  });
});

const RUN = `# train
## Job
- execution_id: \`123\`
- attempt: 1

## Job (resumed)
- execution_id: \`456\`
- attempt: 2
- resumed from: \`/scratch/alice/ckpt/step-3000\`

## Status
- 2026-03-11 10:00 UTC — running, step 1000, train_loss 1.5, tokens_per_s 9000 — progress
- 2026-03-11 11:00 UTC — running, step 2000, train_loss 1.1, val_loss 1.2 — progress
- 2026-03-11 12:00 UTC — pending — resumed as attempt 2 from /scratch/alice/ckpt/step-3000
- 2026-03-11 13:00 UTC — running, step 4000, train_loss 0.9 — progress
- 2026-03-11 14:00 UTC — completed, step 5000, train_loss 0.8 — exit code 0

## Results
- final step: 5000
- checkpoint: \`/scratch/alice/ckpt/step-5000\`
`;

describe('readings of a run', () => {
  const doc = new RunLogDoc(RUN, 'run_logs/g/2026-03-11_train.md');

  it('Status entries split into attempts at the entry that started each', () => {
    const r = readingsFromStatus(doc.view.status);
    expect(r.map((a) => [a.attempt, a.train])).toEqual([
      [
        1,
        [
          [1000, 1.5],
          [2000, 1.1],
        ],
      ],
      [
        2,
        [
          [4000, 0.9],
          [5000, 0.8],
        ],
      ],
    ]);
    expect(r[0]!.val).toEqual([[2000, 1.2]]);
    expect(r[0]!.throughput).toEqual({ 'tokens/s': [[1000, 9000]] });
  });

  it('an output log adds its readings; Trainer-counted steps are not steps', () => {
    const log = readingsFromLog(
      parseProgress("step=3100 loss=0.95 12.5 it/s\n{'loss': 0.7}\nstep 3200 | loss 0.93 | eval_loss=1.0\n"),
      2,
    );
    expect(log.train).toEqual([
      [3100, 0.95],
      [3200, 0.93],
    ]);
    expect(log.val).toEqual([[3200, 1.0]]);
    expect(log.throughput).toEqual({ 'it/s': [[3100, 12.5]] });
  });

  it('marks: the resume at the checkpoint step it came from, the final checkpoint by its step; no path reaches the labels', () => {
    const chart = runChartOf('g/2026-03-11_train', doc.view, []);
    expect(chart.marks).toEqual([
      { kind: 'attempt', step: 3000, label: 'attempt 2 (resumed)' },
      { kind: 'checkpoint', step: 5000, label: 'final checkpoint (step 5000)' },
    ]);
    const svg = renderRunChart(chart);
    expect(svg).not.toContain('scratch');
    expect(svg).not.toContain('alice');
  });
});

describe('sparkline', () => {
  it('falling loss falls, NaN buckets are ×, width is bounded', () => {
    expect(sparkline([4, 3, 2, 1])).toBe('█▆▃▁');
    expect(sparkline([1, Number.NaN, 0])).toBe('█×▁');
    expect(sparkline([2, 2])).toBe('▄▄');
    expect([
      ...sparkline(
        Array.from({ length: 1000 }, (_, i) => 1000 - i),
        40,
      ),
    ]).toHaveLength(40);
    expect(sparkline([])).toBe('');
  });
});

describe('svgProblems: the allow-list publish applies before copying a chart', () => {
  const ok = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text x="1" y="2">hi</text></svg>';
  it('accepts what the renderer writes', () => expect(svgProblems(ok)).toEqual([]));
  for (const [what, svg] of [
    ['script', ok.replace('<text', '<script>alert(1)</script><text')],
    ['event handler', ok.replace('<text', '<text onclick="x()"')],
    ['external image', ok.replace('<text', '<image href="https://evil.example/x.png"/><text')],
    ['url() fill', ok.replace('<text', '<text fill="url(https://e.example/#g)"')],
    ['foreignObject', ok.replace('<text', '<foreignObject/><text')],
    ['entity', `<!DOCTYPE svg [<!ENTITY x "y">]>${ok}`],
    ['not XML', ok.replace('</svg>', '')],
    ['no viewBox', ok.replace(' viewBox="0 0 10 10"', '')],
    ['other namespace', ok.replace('2000/svg', '1999/xhtml')],
  ] as const) {
    it(`refuses ${what}`, () => expect(svgProblems(svg).length).toBeGreaterThan(0));
  }

  it('mapSvgText rewrites only the texts, escaping what comes back', () => {
    const svg = renderRunChart({
      title: 'job 4242 on node17',
      train: {
        label: 'train loss',
        segments: [
          [
            [1, 1],
            [2, 0.5],
          ],
        ],
      },
      val: { label: 'val loss', segments: [] },
      throughput: { label: 'throughput', unit: 'it/s', segments: [] },
      marks: [],
    });
    const out = mapSvgText(svg, (t) => t.replace(/node\d+/g, '<node>').replace(/\b\d{4}\b/g, '<id>'));
    expect(out).not.toContain('node17');
    expect(out).not.toContain('4242');
    expect(out).toContain('job &lt;id&gt; on &lt;node&gt;');
    expect(svgProblems(out)).toEqual([]);
  });
});
