/**
 * Errors are values: a stable code, the fact, and what to do next.
 * The exit code is decided here, once, from the kind (the README lists them).
 */

/**
 * Every error code runlog reports. Codes are a contract (scripts and agents
 * branch on them): add new ones here, never rename one. Some are reported
 * by modules still being written; the union is the one list of them.
 */
export type ErrorCode =
  | 'ALREADY_SUBMITTED'
  | 'AMBIGUOUS_CAMPAIGN'
  | 'AMBIGUOUS_RUN'
  | 'ARGV_NUL_BYTE'
  | 'ATTEMPT_MISMATCH'
  | 'BAD_CAMPAIGN_REF'
  | 'BAD_CONFIG'
  | 'BAD_CONFIG_DURATION'
  | 'BAD_DATE'
  | 'BAD_DURATION'
  | 'BAD_ENV_NAME'
  | 'BAD_FLAG'
  | 'BAD_GRES'
  | 'BAD_METRIC'
  | 'BAD_NAME'
  | 'BAD_OPERATION'
  | 'BAD_RUN_REF'
  | 'BAD_RUN_SLUG'
  | 'BAD_SANITIZE_RULE'
  | 'BAD_SCRUB_RULE'
  | 'BAD_SELECTION'
  | 'BAD_SETTING'
  | 'BAD_SIZE'
  | 'BAD_SLURM_FLAG'
  | 'BAD_SORT'
  | 'BAD_SSH_DESTINATION'
  | 'BAD_STATE'
  | 'BAD_TAG_NAME'
  | 'BAD_TIME'
  | 'BROKEN_RUN_LOG'
  | 'CAMPAIGN_DUPLICATE_ENTRY'
  | 'CAMPAIGN_EMPTY'
  | 'CAMPAIGN_EXISTS'
  | 'CAMPAIGN_MANIFEST_CHANGED'
  | 'CAMPAIGN_MANIFEST_FORMAT'
  | 'CAMPAIGN_MANIFEST_INVALID'
  | 'CAMPAIGN_MANIFEST_NOT_FOUND'
  | 'CAMPAIGN_NOT_FOUND'
  | 'CAMPAIGN_NOT_LOCAL'
  | 'CAMPAIGN_PLACEHOLDER'
  | 'CAMPAIGN_SECRET_PARAMETER'
  | 'CAMPAIGN_SUMMARY_UNREADABLE'
  | 'CAMPAIGN_UNKNOWN_KEY'
  | 'CANNOT_REPLAY'
  | 'CHECKPOINT_INCOMPLETE'
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_REJECTED_LINEAGE'
  | 'CHECKPOINT_STEP_MISMATCH'
  | 'CHECKPOINT_STEP_UNPARSED'
  | 'DETACHED_HEAD'
  | 'DETECTOR_THRESHOLD_INVALID'
  | 'DISK_FULL'
  | 'GITHUB_API_URL_INVALID'
  | 'GITHUB_API_UNTRUSTED'
  | 'GITHUB_AUTH'
  | 'GITHUB_FORBIDDEN'
  | 'GITHUB_INVALID'
  | 'GITHUB_ISSUE_REF_INVALID'
  | 'GITHUB_MIRROR_INPUT_INVALID'
  | 'GITHUB_NOT_FOUND'
  | 'GITHUB_RATE_LIMITED'
  | 'GITHUB_REPO_INVALID'
  | 'GITHUB_REPO_MISSING'
  | 'GITHUB_REQUEST_FAILED'
  | 'GITHUB_TOKEN_MISSING'
  | 'GITHUB_UNREACHABLE'
  | 'GIT_FAILED'
  | 'GIT_IDENTITY_MISSING'
  | 'GIT_NOT_FOUND'
  | 'GIT_PERMISSION_DENIED'
  | 'GIT_TIMEOUT'
  | 'GROUP_NOT_FOUND'
  | 'HAND_EDITED_COMMIT'
  | 'ILLEGAL_TRANSITION'
  | 'INDEX_LOCKED'
  | 'INTERNAL'
  | 'JOB_BLOCK_NOT_FOUND'
  | 'JOB_NOT_LOCAL'
  | 'LAUNCH_BLOCKED'
  | 'LEDGER_LOCKED'
  | 'LOCAL_EMPTY_COMMAND'
  | 'LOCAL_LAUNCH_FAILED'
  | 'LOCAL_LAUNCH_TIMEOUT'
  | 'LOCAL_OUTPUT_DIR_RELATIVE'
  | 'LOCAL_OUTPUT_DIR_TAKEN'
  | 'LOCAL_OUTPUT_NOT_A_FILE'
  | 'LOCAL_RECORD_CORRUPT'
  | 'LOCAL_RECORD_UNREADABLE'
  | 'LOCAL_STATE_UNUSABLE'
  | 'LOCAL_WRAPPER_MISSING'
  | 'LOCAL_WRONG_HOST'
  | 'LOCK_COMPROMISED'
  | 'LOGBOOK_EXISTS'
  | 'LOGBOOK_NOT_FOUND'
  | 'MIRROR_PENDING'
  | 'MISSING_ARGUMENT'
  | 'MISSING_FLAG'
  | 'NONZERO_EXIT'
  | 'NOTHING_TO_AMEND'
  | 'NOT_A_DIRECTORY'
  | 'NOT_A_GIT_REPO'
  | 'NOT_A_REGULAR_FILE'
  | 'NOT_LAUNCHED'
  | 'NO_CLUSTER_PROFILE'
  | 'NO_COMMAND'
  | 'NO_COMPLETE_CHECKPOINT'
  | 'NO_LEDGER'
  | 'NO_READINGS'
  | 'NO_REMOTE'
  | 'NO_RESULTS_SECTION'
  | 'NO_RUNS_SELECTED'
  | 'NO_TEMPLATES'
  | 'OUTPUT_LOG_NOT_A_FILE'
  | 'OUTPUT_LOG_NOT_FOUND'
  | 'OUTPUT_ROOT_NOT_FOUND'
  | 'OUTPUT_ROOT_NOT_PINNED'
  | 'OUTPUT_ROOT_UNKNOWN'
  | 'PASSPORT_COMMIT_REQUIRED'
  | 'PASSPORT_EXTRA_RESERVED'
  | 'PASSPORT_INVALID'
  | 'PASSPORT_NOT_FOUND'
  | 'PATH_OUTSIDE_LEDGER'
  | 'PERMISSION_DENIED'
  | 'PROGRESS_PATTERN_INVALID'
  | 'PRUNE_KEEP_EVERY_INVALID'
  | 'PRUNE_KEEP_LAST_INVALID'
  | 'PUBLISH_CHART_UNSAFE'
  | 'PUBLISH_DIR_NOT_FOUND'
  | 'PUBLISH_LEAKS'
  | 'PUBLISH_PASSPORT_LEAKS'
  | 'PUBLISH_USAGE'
  | 'PUSH_FAILED'
  | 'RECOVERY_FAILED'
  | 'REMOTE_MISMATCH'
  | 'REMOTE_TIMEOUT'
  | 'REPLAY_CONFLICT'
  | 'RETRY_NEEDS_COMMAND'
  | 'RUN_ACTIVE'
  | 'RUN_COMPLETED'
  | 'RUN_ENDED'
  | 'RUN_EXISTS'
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_PENDING'
  | 'RUN_REQUIRED'
  | 'SEAL_PATCH_DOES_NOT_APPLY'
  | 'SEAL_REFUSED'
  | 'SEAL_TAG_CONFLICT'
  | 'SEAL_TAG_PUSH_FAILED'
  | 'SECRET_IN_NAME'
  | 'SIGNOFF_REASON_REQUIRED'
  | 'SIGNOFF_REFUSED'
  | 'SIGNOFF_VERDICT_INVALID'
  | 'SIGNOFF_VERIFY_FAILED'
  | 'SLURM_CANCEL_UNCONFIRMED'
  | 'SLURM_COMMAND_FAILED'
  | 'SLURM_FLAG_WITHOUT_SLURM'
  | 'SLURM_SCRIPT_INVALID'
  | 'SLURM_SUBMIT_REJECTED'
  | 'SLURM_SUBMIT_UNPARSEABLE'
  | 'SLURM_TEMPLATE_MISSING'
  | 'SLURM_TEMPLATE_PLACEHOLDER'
  | 'SLURM_UNREACHABLE'
  | 'SSH_CWD_OUTSIDE_REPO'
  | 'SSH_FLAG_WITHOUT_SSH'
  | 'SSH_HANDOFF_FAILED'
  | 'SSH_LAUNCH_REFUSED'
  | 'SSH_NOT_LAUNCHED_HERE'
  | 'SSH_NO_HOST'
  | 'SSH_NO_SOURCE'
  | 'SSH_STOP_REFUSED'
  | 'SSH_UNREACHABLE'
  | 'SUBMIT_INCOMPLETE'
  | 'SYMLINK_IN_LEDGER'
  | 'TAIL_SIZE_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'UNCOMMITTED_CHANGES'
  | 'UNEXPECTED_ARGUMENT'
  | 'UNKNOWN_CLUSTER'
  | 'UNKNOWN_COMMAND'
  | 'UNKNOWN_EXECUTOR'
  | 'UNKNOWN_FLAG'
  | 'UNKNOWN_LINT_RULE'
  | 'UNKNOWN_METRIC'
  | 'UNKNOWN_OPERATION'
  | 'UNSAFE_SIGNAL_TARGET'
  | 'USAGE'
  | 'VALIDATION_FAILED'
  | 'WANDB_BLOAT'
  | 'WANDB_CLI_MISSING'
  | 'WANDB_DESTINATION_INVALID'
  | 'WANDB_DESTINATION_REQUIRED'
  | 'WANDB_DIR_NOT_FOUND'
  | 'WANDB_KEY_MISSING'
  | 'WANDB_RECORD_EMPTY'
  | 'WANDB_RUN_NOT_FOUND'
  | 'WANDB_SYNC_FAILED'
  | 'WANDB_SYNC_TIMEOUT'
  | 'WANDB_URL_PART_MISSING';

export type ErrorKind =
  | 'failed' // 1: the operation failed
  | 'usage' // 2: unknown flag, missing argument, malformed value
  | 'rejected' // 3: launch rejected by validation
  | 'not_found' // 4: run or file not found
  | 'push' // 5: remote could not be updated; local commit kept
  | 'internal'; // 1: a bug in runlog

const EXIT: Record<ErrorKind, number> = {
  failed: 1,
  usage: 2,
  rejected: 3,
  not_found: 4,
  push: 5,
  internal: 1,
};

export class RunlogError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly kind: ErrorKind;
  /** Machine-readable extras for --json (e.g. candidates, the kept commit). */
  readonly details?: Record<string, unknown>;
  /** Lines a person needs to read before the error (e.g. the checklist that blocked a launch); human mode only. */
  readonly preface?: string[];

  constructor(
    kind: ErrorKind,
    code: ErrorCode,
    message: string,
    hint: string,
    options?: { cause?: unknown; details?: Record<string, unknown>; preface?: string[] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunlogError';
    this.kind = kind;
    this.code = code;
    this.hint = hint;
    this.details = options?.details;
    this.preface = options?.preface;
  }

  get exitCode(): number {
    return EXIT[this.kind];
  }
}

export const usageError = (code: ErrorCode, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('usage', code, message, hint, { details });

export const notFound = (code: ErrorCode, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('not_found', code, message, hint, { details });

export const failed = (
  code: ErrorCode,
  message: string,
  hint: string,
  options?: { cause?: unknown; details?: Record<string, unknown> },
) => new RunlogError('failed', code, message, hint, options);

export const rejected = (code: ErrorCode, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('rejected', code, message, hint, { details });

/** Anything that is not a RunlogError is a bug: say so and keep the cause. */
export function toRunlogError(err: unknown): RunlogError {
  if (err instanceof RunlogError) return err;
  const message = err instanceof Error ? err.message : String(err);
  // The disk and the file system fail in ordinary ways; those are facts about the machine, not bugs.
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  if (errno === 'ENOSPC' || errno === 'EDQUOT') {
    return new RunlogError(
      'failed',
      'DISK_FULL',
      `no space left on the device: ${message}`,
      'free some disk space (or quota) and run the command again; nothing was lost',
      { cause: err },
    );
  }
  if (errno === 'EACCES' || errno === 'EPERM' || errno === 'EROFS') {
    return new RunlogError(
      'failed',
      'PERMISSION_DENIED',
      `runlog may not write or read a file it needs: ${message}`,
      'check the ownership and permissions of that path (and that the file system is writable), then run the command again',
      { cause: err },
    );
  }
  return new RunlogError(
    'internal',
    'INTERNAL',
    message,
    'this is a bug in runlog; please report it with the command you ran',
    {
      cause: err,
    },
  );
}
