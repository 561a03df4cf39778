import {
  DEFAULT_THRESHOLDS,
  type DetectorThresholds,
  type Finding,
  type Instant,
  formatMinutes,
  minutesBetween,
  toMillis,
} from './types.js';

export interface MonitorStaleInput {
  now: Instant;
  /** Check cadence of the babysitter / supervisor, in minutes. */
  cadenceMinutes: number;
  /** Our last successful check; undefined when there has never been one. */
  lastCheckAt?: Instant;
  /** The executor says the job is running. */
  jobRunning: boolean;
  /** Modification time of the job's output log. */
  logMtime?: Instant;
}

/**
 * Our own monitoring going quiet, reported as `monitor_stale` and never as
 * the run being unhealthy: the job may be fine while the monitor is dead or
 * its output no longer reaches us.
 */
export function detectMonitorStale(
  input: MonitorStaleInput,
  thresholds: DetectorThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const now = toMillis(input.now, 'now');
  const findings: Finding[] = [];
  if (input.lastCheckAt !== undefined) {
    const age = minutesBetween(toMillis(input.lastCheckAt, 'last check'), now);
    const limit = thresholds.staleCadenceFactor * input.cadenceMinutes;
    if (age > limit) {
      findings.push({
        detector: 'monitor_stale',
        severity: 'alert',
        kind: 'monitor_stale',
        message: `The monitor's last successful check was ${formatMinutes(age)} ago (cadence ${formatMinutes(input.cadenceMinutes)})`,
        evidence: `last check ${new Date(toMillis(input.lastCheckAt, 'last check')).toISOString()}; limit ${formatMinutes(limit)}`,
        next: 'Restart the supervisor / babysitter and check the machine it runs on (disk space, credentials, network); then check the run itself.',
      });
    }
  }
  if (input.jobRunning && input.logMtime !== undefined) {
    const quiet = minutesBetween(toMillis(input.logMtime, 'log mtime'), now);
    if (quiet > thresholds.staleLogMinutes) {
      findings.push({
        detector: 'monitor_stale',
        severity: 'warn',
        kind: 'monitor_stale',
        message: `The job is running but its output log has not changed for ${formatMinutes(quiet)}`,
        evidence: `log modified ${new Date(toMillis(input.logMtime, 'log mtime')).toISOString()}; limit ${formatMinutes(thresholds.staleLogMinutes)}`,
        next: 'Check that output still reaches the log (redirection, node-local buffering, filesystem) and look at the job directly (W&B, scheduler); if it is hung, treat it as stalled.',
      });
    }
  }
  return findings;
}
