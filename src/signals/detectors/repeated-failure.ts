import type { FailureClass } from '../failure-class.js';
import { DEFAULT_THRESHOLDS, type DetectorThresholds, type Finding } from './types.js';

export interface FailedAttempt {
  attempt: number;
  /** Last training step the attempt reached. */
  step?: number;
  failureClass?: FailureClass;
  evidence?: string;
}

/**
 * Failed attempts that ended at the same step (within
 * `repeatedFailureStepWindow`) as the latest one. One crash may be a
 * preemption; the same place again suggests a deterministic bug, so the
 * advice is to escalate, not to relaunch.
 */
export function detectRepeatedFailure(
  failures: readonly FailedAttempt[],
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const withStep = failures.filter((f) => f.step !== undefined).sort((a, b) => a.attempt - b.attempt);
  const latest = withStep.at(-1);
  if (!latest) return [];
  const same = withStep.filter((f) => Math.abs(f.step! - latest.step!) <= thresholds.repeatedFailureStepWindow);
  if (same.length < thresholds.repeatedFailureMin) return [];
  const classes = [...new Set(same.map((f) => f.failureClass ?? 'unknown'))];
  const steps = same.map((f) => f.step!);
  const where =
    Math.min(...steps) === Math.max(...steps)
      ? `step ${steps[0]}`
      : `steps ${Math.min(...steps)}–${Math.max(...steps)}`;
  return [
    {
      detector: 'repeated_failure',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: `${same.length} attempts failed at ${where}${classes.length === 1 ? ` (${classes[0]})` : ''}`,
      evidence: same
        .map(
          (f) =>
            `attempt ${f.attempt}: step ${f.step}, ${f.failureClass ?? 'unknown'}${f.evidence ? ` — ${f.evidence}` : ''}`,
        )
        .join('; '),
      next: `Escalate to the DRI and do not relaunch: inspect the data and code path at ${where}; relaunch only once the cause is understood.`,
    },
  ];
}
