export { detectCheckpointStall, type CheckpointInfo, type CheckpointStallInput } from './checkpoint-stall.js';
export {
  CRITICAL_CONFIG_KEYS,
  detectConfigDrift,
  diffConfigs,
  flattenConfig,
  isCriticalKey,
  type ConfigChange,
  type ConfigDriftInput,
} from './config-drift.js';
export { detectFinalStepMismatch, type FinalStepInput } from './final-step.js';
export { detectLossSpike } from './loss-spike.js';
export { detectMissingArtifacts, type ArtifactCheckInput } from './missing-artifacts.js';
export { detectMonitorStale, type MonitorStaleInput } from './monitor-stale.js';
export { detectNonFinite, type LossPoint } from './non-finite.js';
export { detectPendingTooLong, type PendingInput } from './pending.js';
export { detectRepeatedFailure, type FailedAttempt } from './repeated-failure.js';
export { detectResumeMismatch, type ResumeMismatchInput } from './resume-mismatch.js';
export { detectThroughputCollapse, type CadenceSample, type ThroughputInput } from './throughput-collapse.js';
export {
  DEFAULT_THRESHOLDS,
  DetectorThresholdsSchema,
  FindingSchema,
  resolveThresholds,
  type DetectorThresholds,
  type Finding,
  type FindingKind,
  type Instant,
  type SeriesPoint,
  type Severity,
} from './types.js';
export { seriesOf } from './series.js';
