import { z } from 'zod';

/** Normalised failure classes (DESIGN.md "Lifecycle"); the class decides the next step. */
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

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const FailureClassSchema = z.enum(FAILURE_CLASSES);

/**
 * Infrastructure trouble that a relaunch on the same code and data can get
 * past. OOM, code, data and numerical failures repeat on retry, so they are
 * never retried blindly; walltime needs a longer limit, not a retry.
 */
export const RETRYABLE_CLASSES: readonly FailureClass[] = ['network_transient', 'nccl_timeout', 'preemption', 'node_failure'];

export const isRetryable = (cls: FailureClass): boolean => RETRYABLE_CLASSES.includes(cls);
