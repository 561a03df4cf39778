/** How results and errors reach the terminal: shared by the oclif commands and the fast entry. */
import type { RunlogError } from '../core/errors.js';

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
