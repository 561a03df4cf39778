import { z } from 'zod';

import { FAILURE_CLASSES } from '../core/failure-classes.js';

/** Normalised failure classes; the list itself lives zod-free in src/core for the start-up path. */
export { FAILURE_CLASSES };

export type FailureClass = (typeof FAILURE_CLASSES)[number];

export const FailureClassSchema = z.enum(FAILURE_CLASSES);

/**
 * Infrastructure trouble that a relaunch on the same code and data can get
 * past. OOM, code, data and numerical failures repeat on retry, so they are
 * never retried blindly; walltime needs a longer limit, not a retry.
 */
export const RETRYABLE_CLASSES: readonly FailureClass[] = [
  'network_transient',
  'nccl_timeout',
  'preemption',
  'node_failure',
];

export const isRetryable = (cls: FailureClass): boolean => RETRYABLE_CLASSES.includes(cls);
