export { createContext, type ContextOptions, type SuperviseContext } from './context.js';
export { submitRun, launchAttempt, type LaunchOutcome, type SubmitRequest } from './launch.js';
export { pollPass, retriesUsed, type PassChange, type PassOptions, type PassReport } from './pass.js';
export { superviseLoop, type LoopOptions, type LoopSummary } from './loop.js';
export { stopRun, retryRun, restartRun, type OperatorResult } from './operator.js';
export { decide, progressAnchor, progressMetrics, type Decision, type DecideInput, type ProgressMemo } from './decide.js';
export { backoffMs } from '../core/backoff.js';
export { jobSettings, policySettings, attemptDir, parseMemMb, type JobSettings, type PolicySettings, type StallAction } from '../config/jobs.js';
export { latestAttempt, handleOf, idempotencyKey, type AttemptRecord } from './attempt.js';
