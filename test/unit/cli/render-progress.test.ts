import { describe, expect, it } from 'vitest';
import { progressLine } from '../../../src/cli/render/run.js';
import type { ShowResult } from '../../../src/schemas/output.js';

const entry = (at: string, step: number | null, metrics: Record<string, number | null>, continuation = false) => ({
  line: 1,
  at,
  stamp: null,
  state: 'running',
  step,
  metrics,
  message: 'm',
  continuation,
});
const run = (status: ReturnType<typeof entry>[]) => ({ status }) as unknown as ShowResult;
const NOW = Date.parse('2026-03-22T12:00:00Z');

describe('show: the progress line', () => {
  it('names the newest entry with a step, its metrics and its age', () => {
    const r = run([
      entry('2026-03-22T11:00:00Z', 100, { train_loss: 1.5 }),
      entry('2026-03-22T11:57:00Z', 2400, { train_loss: 0.085, grad_norm: null }),
      entry('2026-03-22T11:59:00Z', null, {}),
    ]);
    expect(progressLine(r, NOW)).toBe('progress: step 2400, train_loss 0.085, grad_norm nan (3 min ago)');
  });
  it('reads seconds, hours and days, and is absent without any step', () => {
    expect(progressLine(run([entry('2026-03-22T11:59:50Z', 5, {})]), NOW)).toBe('progress: step 5 (10 s ago)');
    expect(progressLine(run([entry('2026-03-22T07:00:00Z', 5, {})]), NOW)).toBe('progress: step 5 (5 h ago)');
    expect(progressLine(run([entry('2026-03-19T12:00:00Z', 5, {})]), NOW)).toBe('progress: step 5 (3 days ago)');
    expect(progressLine(run([entry('2026-03-22T11:00:00Z', null, {})]), NOW)).toBeNull();
  });
});
