import { describe, expect, it } from 'vitest';
import { detectThroughputCollapse, resolveThresholds } from '../../../../src/signals/detectors/index.js';

const samples = (...values: number[]) =>
  values.map((value, i) => ({ value, at: `2026-03-11T${String(10 + i).padStart(2, '0')}:00:00Z` }));

describe('detectThroughputCollapse', () => {
  it('alerts when the last three cadences are more than 25% below baseline', () => {
    const [f, ...rest] = detectThroughputCollapse({
      samples: samples(12000, 12100, 11900, 12050, 8000, 7900, 8100),
      unit: 'tokens/s',
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'throughput_collapse',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: 'Throughput is 33% below baseline for 3 consecutive cadences',
    });
    expect(f!.evidence).toBe(
      'last 3 cadences: 8000, 7900, 8100 tokens/s vs baseline 12025 tokens/s (since 2026-03-11T14:00:00Z)',
    );
  });

  it('keeps firing through a long collapse: the low cadences never become the baseline', () => {
    const [f] = detectThroughputCollapse({ samples: samples(100, 100, 100, 50, 50, 50, 50, 50, 50, 50) });
    expect(f?.message).toContain('7 consecutive cadences');
    expect(f?.evidence).toContain('vs baseline 100');
  });

  it('ignores periodic single dips and short streaks', () => {
    expect(detectThroughputCollapse({ samples: samples(100, 60, 100, 100, 60, 100, 100, 60) })).toEqual([]);
    expect(detectThroughputCollapse({ samples: samples(100, 100, 100, 100, 60, 60) })).toEqual([]);
  });

  it('ignores drops smaller than throughputDrop, and honours an override', () => {
    const mild = { samples: samples(100, 100, 100, 80, 80, 80) };
    expect(detectThroughputCollapse(mild)).toEqual([]);
    expect(detectThroughputCollapse(mild, resolveThresholds({ throughputDrop: 0.15 }))).toHaveLength(1);
  });

  it('uses an explicit baseline, and needs one when every cadence is low', () => {
    expect(detectThroughputCollapse({ samples: samples(50, 50, 50) })).toEqual([]);
    expect(detectThroughputCollapse({ samples: samples(50, 50, 50), baseline: 100 })).toHaveLength(1);
  });
});
