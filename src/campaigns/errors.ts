/** Manifest errors name the file, the line and the key, and change nothing (exit 2). */
import { usageError, type ErrorCode, type RunlogError } from '../core/errors.js';

export function manifestError(
  code: ErrorCode,
  file: string,
  line: number,
  what: string,
  hint: string,
  details: Record<string, unknown> = {},
): RunlogError {
  return usageError(code, `${file}:${line}: ${what}`, hint, { file, line, ...details });
}
