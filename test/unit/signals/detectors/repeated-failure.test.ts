import { describe, expect, it } from 'vitest';
import { detectRepeatedFailure } from '../../../../src/signals/detectors/index.js';

describe('detectRepeatedFailure', () => {
  it('escalates when two attempts fail in the same step window', () => {
    const [f, ...rest] = detectRepeatedFailure([
      { attempt: 1, step: 4012, failureClass: 'code_error', evidence: "KeyError: 'input_ids'" },
      { attempt: 2, step: 4050, failureClass: 'code_error', evidence: "KeyError: 'input_ids'" },
    ]);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'repeated_failure',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: '2 attempts failed at steps 4012–4050 (code_error)',
    });
    expect(f!.evidence).toBe(
      "attempt 1: step 4012, code_error — KeyError: 'input_ids'; attempt 2: step 4050, code_error — KeyError: 'input_ids'",
    );
    expect(f!.next).toMatch(/do not relaunch/);
  });

  it('counts preemptions at the same step too', () => {
    const [f] = detectRepeatedFailure([
      { attempt: 3, step: 900, failureClass: 'preemption' },
      { attempt: 1, step: 100, failureClass: 'preemption' },
      { attempt: 2, step: 900, failureClass: 'nccl_timeout' },
    ]);
    expect(f?.message).toBe('2 attempts failed at step 900');
  });

  it('stays quiet for failures at different places or a single failure', () => {
    expect(
      detectRepeatedFailure([
        { attempt: 1, step: 100 },
        { attempt: 2, step: 5000 },
      ]),
    ).toEqual([]);
    expect(detectRepeatedFailure([{ attempt: 1, step: 100 }])).toEqual([]);
    expect(detectRepeatedFailure([{ attempt: 1 }, { attempt: 2 }])).toEqual([]);
  });
});
