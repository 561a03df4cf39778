/** The fast log reader gives exactly what parseProgress gives, whatever the log prints. */
import { describe, expect, it } from 'vitest';
import { logReadings } from '../../../src/plot/log-readings.js';
import { readingsFromLog } from '../../../src/plot/readings.js';
import { parseProgress } from '../../../src/signals/progress.js';
import { lcg } from './fixtures.js';

const slow = (text: string) => readingsFromLog(parseProgress(text), 1);

function log(lines: number, line: (i: number, r: () => number) => string): string {
  const r = lcg(lines);
  return Array.from({ length: lines }, (_, i) => line(i, r)).join('\n');
}

const LOGS: [string, string][] = [
  ['key=value', log(3000, (i, r) => `step=${i} loss=${(2 * r()).toFixed(4)} samples_per_s=${(100 + r()).toFixed(2)}`)],
  [
    'pipes with a rate',
    log(
      3000,
      (i, r) =>
        `step ${i} | loss ${(r() * 3).toFixed(3)} | eval_loss=${r().toFixed(3)} | ${(1000 * r()).toFixed(1)} tokens/s`,
    ),
  ],
  [
    'json lines',
    log(3000, (i, r) => JSON.stringify({ step: i * 10, loss: r(), 'train/tokens_per_s': Math.round(9000 * r()) })),
  ],
  [
    'HF dicts without a step (counted, not drawn)',
    log(2000, (i, r) => `{'loss': ${r().toFixed(4)}, 'learning_rate': 1e-4, 'epoch': ${(i / 100).toFixed(2)}}`),
  ],
  [
    'tqdm bars with \\r and ANSI',
    log(
      500,
      (i, r) =>
        `\x1b[32mEpoch 0:  ${i % 100}%|####| ${i}/500 [00:01<00:02, ${(10 * r() + 1).toFixed(2)}it/s, loss=${r().toFixed(3)}]\x1b[0m\r`,
    ),
  ],
  [
    'seconds per iteration (inverted rate)',
    log(1500, (i, r) => `step ${i} loss ${r().toFixed(3)} ${(2 + r()).toFixed(2)}s/it`),
  ],
  [
    'NaN, inf and mixed noise',
    log(3000, (i, r) =>
      i % 7 === 0
        ? 'warning: something at 12:00'
        : i % 11 === 0
          ? `step=${i} loss=nan`
          : i % 13 === 0
            ? `step=${i} loss=inf`
            : `step=${i} loss=${r().toExponential(3)}`,
    ),
  ],
  // Lines of the last shape are read in place: ones that only look like it (padded, cut, blank) are not.
  [
    'one shape with padded, blank and overlong lines',
    log(
      3000,
      (i, r) =>
        (i % 9 === 0
          ? `  step=${i} loss=${r().toFixed(3)}\t`
          : i % 17 === 0
            ? ''
            : i % 101 === 0
              ? `step=${i} loss=${r().toFixed(3)}${'x'.repeat(5000)}`
              : `step=${i} loss=${r().toFixed(3)}`) + (i === 2999 ? '\n' : ''),
    ),
  ],
  ['step equals another number on some lines', log(3000, (i, r) => `step=${i} epoch=${i % 50} loss=${r().toFixed(2)}`)],
];

describe('logReadings', () => {
  for (const [name, text] of LOGS) {
    it(`${name}: same readings as parseProgress`, () => {
      expect(logReadings(text, 1)).toEqual(slow(text));
    });
  }

  it('reads 100,000 lines of one shape, every reading in place', () => {
    const text = log(
      100_000,
      (i, r) =>
        `step=${i * 10} loss=${(3 * Math.exp(-i / 2e4) + 0.1 * r()).toFixed(5)} samples_per_s=${(1200 + 50 * r()).toFixed(1)}`,
    );
    const r = logReadings(text, 1);
    expect(r.train).toHaveLength(100_000);
    expect(r.throughput['samples/s']).toHaveLength(100_000);
    expect(r.train[99_999]![0]).toBe(999_990);
  });
});
