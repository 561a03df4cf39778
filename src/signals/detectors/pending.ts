import {
  DEFAULT_THRESHOLDS,
  type DetectorThresholds,
  type Finding,
  type Instant,
  formatMinutes,
  minutesBetween,
  toMillis,
} from './types.js';

export interface PendingInput {
  /** When the job was submitted / entered the queue. */
  since: Instant;
  now: Instant;
  /** Scheduler reason, e.g. Slurm `Priority`, `Resources`, `ReqNodeNotAvail`. */
  reason?: string;
  /** The executor says this reason never resolves by itself (JobObservation.neverStarts). */
  neverStarts?: boolean;
}

/**
 * A queued job that waits longer than `pendingMaxMinutes`, or whose reason
 * means it will never start. Call it only while the job is queued.
 * Cluster changes need approval: the advice is to notify, not to mutate.
 */
export function detectPendingTooLong(
  input: PendingInput,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const waited = minutesBetween(toMillis(input.since, 'pending since'), toMillis(input.now, 'now'));
  const reason = input.reason ? `; reason ${input.reason}` : '';
  if (input.neverStarts) {
    return [
      {
        detector: 'pending_too_long',
        severity: 'alert',
        kind: 'run_unhealthy',
        message: `The job will not start by itself${input.reason ? ` (${input.reason})` : ''}`,
        evidence: `pending for ${formatMinutes(waited)}${reason}`,
        next: 'Notify the DRI; check the requested partition, GRES, memory and constraints against the cluster; cancel and resubmit only with approval.',
      },
    ];
  }
  if (waited <= thresholds.pendingMaxMinutes) return [];
  return [
    {
      detector: 'pending_too_long',
      severity: 'warn',
      kind: 'run_unhealthy',
      message: `The job has been pending for ${formatMinutes(waited)} (limit ${formatMinutes(thresholds.pendingMaxMinutes)})`,
      evidence: `queued since ${new Date(toMillis(input.since, 'pending since')).toISOString()}${reason}`,
      next: 'Notify the DRI with the scheduler reason; check for partial allocation or a wrong hardware request; do not change the cluster without approval.',
    },
  ];
}
