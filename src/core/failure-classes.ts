/** Normalised, queryable failure classes: every failure, from any executor, is recorded as one of these. */
export const FAILURE_CLASSES = [
  'oom_gpu',
  'oom_host',
  'nccl_timeout',
  'network_transient',
  'preemption',
  'walltime',
  'node_failure',
  'data_error',
  'auth',
  'numerical',
  'checkpoint_error',
  'code_error',
  'disk_full',
  'cancelled',
  'unknown',
] as const;
export type FailureClassName = (typeof FAILURE_CLASSES)[number];
