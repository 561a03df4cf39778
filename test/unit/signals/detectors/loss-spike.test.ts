import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  detectLossSpike,
  resolveThresholds,
  type SeriesPoint,
} from '../../../../src/signals/detectors/index.js';

/** A slowly falling loss logged every step from `from` to `to`. */
const baseline = (from: number, to: number): SeriesPoint[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, value: 3 - (from + i) * 0.0001 }));

const withSpike = (series: SeriesPoint[], start: number, length: number, factor: number): SeriesPoint[] =>
  series.map((p) => (p.step >= start && p.step < start + length ? { ...p, value: p.value * factor } : p));

describe('detectLossSpike', () => {
  it('alerts on a sustained, ongoing spike after warmup', () => {
    const series = withSpike(baseline(0, 1500), 1480, 21, 1.8);
    const [f, ...rest] = detectLossSpike(series);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'loss_spike', severity: 'alert', kind: 'run_unhealthy' });
    expect(f!.message).toContain('21 steps');
    expect(f!.evidence).toMatch(/^steps 1480–1500: /);
    expect(f!.evidence).toContain('+80%');
    expect(f!.next).toContain('step 1480');
  });

  it('warns on a sustained spike that recovered', () => {
    const [f] = detectLossSpike(withSpike(baseline(0, 1500), 1200, 12, 1.7));
    expect(f).toMatchObject({ severity: 'warn' });
    expect(f!.message).toContain('then recovered');
  });

  it('ignores spikes shorter than lossSpikeMinSteps and single dips', () => {
    expect(detectLossSpike(withSpike(baseline(0, 1500), 1200, 9, 2))).toEqual([]);
    expect(detectLossSpike(withSpike(baseline(0, 1500), 1499, 1, 5))).toEqual([]);
  });

  it('ignores rises below the ratio', () => {
    expect(detectLossSpike(withSpike(baseline(0, 1500), 1200, 100, 1.4))).toEqual([]);
  });

  it('ignores spikes during warmup', () => {
    const series = withSpike(baseline(0, 1500), 500, 50, 2);
    expect(detectLossSpike(series)).toEqual([]);
    expect(detectLossSpike(series, resolveThresholds({ warmupSteps: 0 }))).toHaveLength(1);
  });

  it('counts covered steps at the logging stride, but never from one point', () => {
    const sparse = baseline(0, 3000).filter((p) => p.step % 100 === 0);
    expect(detectLossSpike(withSpike(sparse, 2800, 200, 2))).toHaveLength(1);
    expect(detectLossSpike(withSpike(sparse, 2900, 100, 2))).toEqual([]);
  });

  it('skips NaN values instead of calling them spikes', () => {
    const series = baseline(0, 1500).map((p) => (p.step > 1450 ? { ...p, value: Number.NaN } : p));
    expect(detectLossSpike(series, DEFAULT_THRESHOLDS)).toEqual([]);
  });
});
