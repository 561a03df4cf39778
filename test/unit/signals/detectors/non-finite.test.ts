import { describe, expect, it } from 'vitest';
import { FindingSchema, detectNonFinite } from '../../../../src/signals/detectors/index.js';
import { parseProgress } from '../../../../src/signals/progress.js';

describe('detectNonFinite', () => {
  it('fires on the first NaN loss from parsed output, naming step and line', () => {
    const records = parseProgress(
      'step=10 loss=2.5 grad_norm=1.1\nstep=20 loss=2.4 grad_norm=1.0\nstep=30 loss=nan grad_norm=nan\nstep=40 loss=nan',
    );
    const [f, ...rest] = detectNonFinite(records);
    expect(rest).toEqual([]);
    expect(FindingSchema.parse(f)).toEqual(f);
    expect(f).toMatchObject({
      detector: 'non_finite',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: 'Loss became NaN at step 30',
    });
    expect(f!.evidence).toContain('step 30: loss=NaN');
    expect(f!.evidence).toContain('line: step=30 loss=nan grad_norm=nan');
    expect(f!.evidence).toContain('last finite loss 2.4 at step 20');
    expect(f!.evidence).toContain('2 non-finite records');
    expect(f!.next).toMatch(/do not relaunch/i);
  });

  it('fires on an infinite grad norm with a finite loss', () => {
    const [f] = detectNonFinite([{ step: 5, loss: 3, gradNorm: Number.POSITIVE_INFINITY }]);
    expect(f?.message).toBe('Grad norm became Infinity at step 5');
  });

  it('stays quiet for finite values and records without loss', () => {
    expect(detectNonFinite([{ step: 1, loss: 2 }, { step: 2 }, { step: 3, loss: 1e30, gradNorm: 0 }])).toEqual([]);
    expect(detectNonFinite([])).toEqual([]);
  });
});
