import { describe, expect, it } from 'vitest';
import { detectResumeMismatch, type SeriesPoint } from '../../../../src/signals/detectors/index.js';

const lineage = (from: number, to: number, f: (step: number) => number): SeriesPoint[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ step: from + i, value: f(from + i) }));
const loss = (step: number) => 2.5 - step * 0.0001;

describe('detectResumeMismatch', () => {
  it('alerts when catch-up loss differs by more than 0.002', () => {
    const previous = lineage(0, 1300, loss);
    const current = lineage(1001, 1300, (s) => loss(s) + (s === 1050 ? 0.005 : 0.0005));
    const [f, ...rest] = detectResumeMismatch({ previous, current, resumeStep: 1000 });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'resume_loss_mismatch', severity: 'alert', kind: 'run_unhealthy' });
    expect(f!.message).toBe("The resumed attempt's loss differs from the previous lineage at 1 of 300 shared steps");
    expect(f!.evidence).toMatch(
      /^step 1050: loss 2\.4 now vs 2\.395 before resume from step 1000 \(difference 0\.005; limit 0\.002 absolute during catch-up\)$/,
    );
  });

  it('allows 1% after the catch-up window and alerts beyond it', () => {
    const previous = lineage(0, 1500, loss);
    const close = lineage(1001, 1500, (s) => loss(s) * (s > 1100 ? 1.008 : 1));
    expect(detectResumeMismatch({ previous, current: close, resumeStep: 1000 })).toEqual([]);
    const far = lineage(1001, 1500, (s) => loss(s) * (s > 1100 ? 1.02 : 1));
    const [f] = detectResumeMismatch({ previous, current: far, resumeStep: 1000 });
    expect(f?.message).toContain('at 400 of 500 shared steps');
    expect(f?.evidence).toMatch(/; 2%, limit 1% after warmup\)$/);
  });

  it('compares only steps both lineages logged', () => {
    const previous = lineage(0, 1000, loss);
    const current = lineage(1001, 1200, (s) => loss(s) + 1);
    expect(detectResumeMismatch({ previous, current, resumeStep: 1000 })).toEqual([]);
  });
});
