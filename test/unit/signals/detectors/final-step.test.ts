import { describe, expect, it } from 'vitest';
import { detectFinalStepMismatch } from '../../../../src/signals/detectors/index.js';
import { latestProgress } from '../../../../src/signals/progress.js';

describe('detectFinalStepMismatch', () => {
  it('warns when the displayed total differs from the config final step', () => {
    const { latest } = latestProgress('Step 9990/10000, loss: 1.2');
    const [f, ...rest] = detectFinalStepMismatch({
      configFinalStep: 10240,
      displayedTotal: latest?.total,
      latestStep: latest?.step,
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'final_step_mismatch', severity: 'warn', kind: 'run_unhealthy' });
    expect(f!.message).toBe("The progress display shows 10000 total steps but the config's final step is 10240");
    expect(f!.next).toContain('step 10240');
  });

  it('alerts when the job ended before the config final step', () => {
    const findings = detectFinalStepMismatch({
      configFinalStep: 10240,
      displayedTotal: 10000,
      latestStep: 10000,
      ended: true,
    });
    expect(findings.map((f) => f.severity)).toEqual(['alert', 'warn']);
    expect(findings[0]!.message).toBe('The job ended at step 10000, before the configured final step 10240');
  });

  it('is quiet when display and config agree and the job reached the end', () => {
    expect(
      detectFinalStepMismatch({ configFinalStep: 10000, displayedTotal: 10000, latestStep: 10000, ended: true }),
    ).toEqual([]);
    expect(detectFinalStepMismatch({ configFinalStep: 10000, latestStep: 5000 })).toEqual([]);
  });
});
