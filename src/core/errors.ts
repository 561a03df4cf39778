/**
 * Errors are values: a stable code, the fact, and what to do next.
 * The exit code follows CLI.md and is decided here, once, from the kind.
 */
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
  readonly code: string;
  readonly hint: string;
  readonly kind: ErrorKind;
  /** Machine-readable extras for --json (e.g. candidates, the kept commit). */
  readonly details?: Record<string, unknown>;

  constructor(
    kind: ErrorKind,
    code: string,
    message: string,
    hint: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RunlogError';
    this.kind = kind;
    this.code = code;
    this.hint = hint;
    this.details = options?.details;
  }

  get exitCode(): number {
    return EXIT[this.kind];
  }
}

export const usageError = (code: string, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('usage', code, message, hint, { details });

export const notFound = (code: string, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('not_found', code, message, hint, { details });

export const failed = (code: string, message: string, hint: string, options?: { cause?: unknown; details?: Record<string, unknown> }) =>
  new RunlogError('failed', code, message, hint, options);

export const rejected = (code: string, message: string, hint: string, details?: Record<string, unknown>) =>
  new RunlogError('rejected', code, message, hint, { details });

/** Anything that is not a RunlogError is a bug: say so and keep the cause. */
export function toRunlogError(err: unknown): RunlogError {
  if (err instanceof RunlogError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new RunlogError('internal', 'INTERNAL', message, 'this is a bug in runlog; please report it with the command you ran', {
    cause: err,
  });
}
