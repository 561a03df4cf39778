import { z } from 'zod';
import { usageError } from '../../core/errors.js';

export const FindingSchema = z.object({
  detector: z.string(),
  severity: z.enum(['info', 'warn', 'alert']),
  /** `monitor_stale` is our own monitoring failing, kept apart from the run being unhealthy. */
  kind: z.enum(['run_unhealthy', 'monitor_stale', 'artifact']),
  message: z.string(),
  /** The numbers or line the finding was read from. */
  evidence: z.string(),
  /** What to do about it. */
  next: z.string(),
});

export type Finding = z.infer<typeof FindingSchema>;
export type Severity = Finding['severity'];
export type FindingKind = Finding['kind'];

export const DetectorThresholdsSchema = z.object({
  /** Steps at the start of training where fast loss changes are expected. */
  warmupSteps: z.number().int().nonnegative(),
  /** A loss is a spike when it is this fraction above the trend (0.5 = 50 %). */
  lossSpikeRatio: z.number().positive(),
  /** Steps a spike must cover to be sustained. */
  lossSpikeMinSteps: z.number().int().positive(),
  /** Points whose median is the loss trend. */
  lossTrendWindow: z.number().int().min(3),
  /** Relative drop below baseline that counts as collapse (0.25 = 25 %). */
  throughputDrop: z.number().gt(0).lt(1),
  /** Consecutive low cadences before a collapse is reported. */
  throughputMinCadences: z.number().int().positive(),
  /** Checkpoint intervals training may run past the newest complete checkpoint. */
  checkpointIntervalFactor: z.number().positive(),
  pendingMaxMinutes: z.number().positive(),
  /** Failed attempts ending in the same window before we escalate. */
  repeatedFailureMin: z.number().int().min(2),
  /** Steps apart that still count as "the same place". */
  repeatedFailureStepWindow: z.number().int().nonnegative(),
  /** Steps after a resume compared with the absolute bound. */
  resumeCatchupSteps: z.number().int().nonnegative(),
  resumeCatchupAbs: z.number().nonnegative(),
  resumeRelative: z.number().nonnegative(),
  /** The monitor is stale when its last check is older than this many cadences. */
  staleCadenceFactor: z.number().positive(),
  /** A running job whose output log has not changed for this long. */
  staleLogMinutes: z.number().positive(),
});

export type DetectorThresholds = z.infer<typeof DetectorThresholdsSchema>;

export const DEFAULT_THRESHOLDS: Readonly<DetectorThresholds> = Object.freeze({
  warmupSteps: 1000,
  lossSpikeRatio: 0.5,
  lossSpikeMinSteps: 10,
  lossTrendWindow: 20,
  throughputDrop: 0.25,
  throughputMinCadences: 3,
  checkpointIntervalFactor: 2,
  pendingMaxMinutes: 30,
  repeatedFailureMin: 2,
  repeatedFailureStepWindow: 100,
  resumeCatchupSteps: 100,
  resumeCatchupAbs: 0.002,
  resumeRelative: 0.01,
  staleCadenceFactor: 2,
  staleLogMinutes: 30,
});

/** Defaults overlaid with config; a bad value is a usage error naming the key. */
export function resolveThresholds(
  overrides: Partial<Record<keyof DetectorThresholds, unknown>> = {},
): DetectorThresholds {
  const parsed = DetectorThresholdsSchema.strict().safeParse({ ...DEFAULT_THRESHOLDS, ...overrides });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw usageError(
      'DETECTOR_THRESHOLD_INVALID',
      `detector threshold ${issue.path.map(String).join('.') || '(unknown key)'} is invalid: ${issue.message}`,
      `fix it in runlog.config.yaml; known thresholds: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
    );
  }
  return parsed.data;
}

/** One value of a metric at a training step. */
export interface SeriesPoint {
  step: number;
  value: number;
}

export type Instant = Date | string | number;

export function toMillis(value: Instant, field: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw usageError(
      'TIMESTAMP_INVALID',
      `${field} is not a valid time: ${String(value)}`,
      'pass an ISO-8601 timestamp such as 2026-03-11T15:00:00Z',
    );
  }
  return ms;
}

export const minutesBetween = (fromMs: number, toMs: number): number => (toMs - fromMs) / 60_000;

export const formatMinutes = (minutes: number): string =>
  minutes >= 120
    ? `${(minutes / 60).toFixed(1)} h`
    : minutes >= 1
      ? `${Math.round(minutes)} min`
      : `${Math.round(minutes * 60)} s`;
