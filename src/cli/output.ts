/** How results and errors reach the terminal: shared by the oclif commands and the fast entry. */
import type { RunlogError } from '../core/errors.js';

/**
 * What every command service returns; the base command (and the fast entry)
 * alone turn it into output and an exit code, so `--json` and human mode
 * always agree.
 */
export interface CommandOutput<R extends object> {
  /** The --json document (the envelope adds `warnings` and, on a push failure, `error`). */
  result: R;
  /** stdout lines for people (not printed under --json). */
  human: string[];
  /** Diagnostics and warnings for stderr. */
  warnings?: string[];
  /** The local commit is kept; the base command prints this and exits 5. */
  pushError?: RunlogError;
  /** A finished command whose answer is "no" (lint findings, audit found secrets, --check stale). */
  exitCode?: number;
}

export function errorJson(e: RunlogError): { error: Record<string, unknown> } {
  return { error: { code: e.code, message: e.message, hint: e.hint, ...(e.details ?? {}) } };
}

export function printError(e: RunlogError, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
  else process.stderr.write(`error[${e.code}]: ${e.message}\nhint: ${e.hint}\n`);
}

/** A push that failed after a good local commit: the result is printed, then this. */
export function withPushError<T extends object>(result: T, e: RunlogError | undefined): T & { error?: { code: string; message: string; hint: string } } {
  return e ? { ...result, error: { code: e.code, message: e.message, hint: e.hint } } : result;
}
