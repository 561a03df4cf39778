/**
 * How results and errors reach the terminal. The oclif base command and the
 * fast entry both print through here, so every command, on either path,
 * writes the same `error[CODE]` lines, the same JSON envelope and the same
 * exit codes.
 */
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
  /** stderr lines in human mode; `warnings: [...]` in the JSON envelope. */
  warnings?: string[];
  /** The local commit is kept; the base command prints this and exits 5. */
  pushError?: RunlogError;
  /** A finished command whose answer is "no" (lint findings, audit found secrets, --check stale). */
  exitCode?: number;
  /** Like exitCode, with the reason said as an error (human mode) and its exit code; the result still holds the data. */
  failure?: RunlogError;
}

/**
 * How a long-running service (supervise, babysit) says what happens while
 * it runs: `line` is stdout for people, `warn` a warning. The base command
 * decides where each goes (printed at once in human mode; under --json
 * lines are dropped and warnings join the envelope).
 */
export interface Progress {
  line(text: string): void;
  warn(text: string): void;
}

/** The --json document: the result, its warnings, and the push failure when the commit was kept locally. */
export type Envelope<R extends object> = R & {
  warnings: unknown;
  error?: { code: string; message: string; hint: string };
};

/** A result that reports warnings of its own (lint's count, checkpoint checks' list) keeps them. */
export function envelope<R extends object>(out: CommandOutput<R>): Envelope<R> {
  const e = out.pushError;
  const warnings = 'warnings' in out.result ? {} : { warnings: out.warnings ?? [] };
  return {
    ...out.result,
    ...warnings,
    ...(e ? { error: { code: e.code, message: e.message, hint: e.hint } } : {}),
  } as Envelope<R>;
}

export function errorJson(e: RunlogError): { error: Record<string, unknown> } {
  return { error: { code: e.code, message: e.message, hint: e.hint, ...(e.details ?? {}) } };
}

export function errorLines(e: RunlogError): string {
  return `error[${e.code}]: ${e.message}\nhint: ${e.hint}\n`;
}

export function printError(e: RunlogError, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify(errorJson(e), null, 2)}\n`);
  else process.stderr.write(`${(e.preface ?? []).map((l) => `${l}\n`).join('')}${errorLines(e)}`);
}

/**
 * Everything a finished command prints besides the JSON document: human
 * lines (stdout), warnings, the failure and the push failure (stderr), in
 * that order; returns the exit code it decided (undefined: success).
 */
export function printOutcome(
  out: CommandOutput<object>,
  json: boolean,
  log: (line: string) => void,
): number | undefined {
  if (!json) {
    for (const line of out.human) log(line);
    for (const line of out.warnings ?? []) process.stderr.write(`${line}\n`);
    if (out.failure) process.stderr.write(errorLines(out.failure));
    if (out.pushError) process.stderr.write(errorLines(out.pushError));
  }
  return out.pushError?.exitCode ?? out.failure?.exitCode ?? out.exitCode;
}
