/**
 * Names why a job ended from its exit status, the executor's reason and the
 * tail of its output. Pure: the caller reads the tail (see `readTail`).
 */
import { type FailureClass, isRetryable } from './failure-class.js';
import { FAILURE_RULES, type FailureRule } from './failure-rules.js';
import { scrubberFor, type Scrubber } from '../core/scrub/scrub.js';
import { ANSI_CSI } from '../core/text.js';

export {
  FAILURE_CLASSES,
  FailureClassSchema,
  RETRYABLE_CLASSES,
  isRetryable,
  type FailureClass,
} from './failure-class.js';
export { FAILURE_RULES, type FailureRule, type RuleSource } from './failure-rules.js';

export interface FailureInput {
  exitCode?: number | null;
  /** `SIGTERM`, `TERM` or `15` are all understood. */
  signal?: string | null;
  /** The end of the job's output (a few KB to 64 KB). */
  tail: string;
  /** Executor reason or phase: Slurm `TIMEOUT`, `PREEMPTED`, `NODE_FAIL`, `OUT_OF_MEMORY`, `CANCELLED`, ... */
  executorReason?: string;
  /** The ledger's scrubber (its own rules too); the built-in rules when not given. */
  scrubber?: Scrubber;
}

export interface FailureClassification {
  class: FailureClass;
  /** The line the class was read from, trimmed to at most 200 characters. */
  evidence: string;
  /** Id of the rule that matched, or `unknown`. */
  rule: string;
  retryable: boolean;
}

const EVIDENCE_MAX = 200;
/** Rules see at most this much of a line: a runaway line must not make matching slow. */
const LINE_MAX = 4096;
const SIGNALS: Record<string, string> = {
  '1': 'SIGHUP',
  '2': 'SIGINT',
  '6': 'SIGABRT',
  '9': 'SIGKILL',
  '11': 'SIGSEGV',
  '15': 'SIGTERM',
};

function normalizeSignal(signal: string | null | undefined): string | undefined {
  if (!signal) return undefined;
  const s = signal.trim().toUpperCase();
  if (/^\d+$/.test(s)) return SIGNALS[s] ?? `SIG${s}`;
  return s.startsWith('SIG') ? s : `SIG${s}`;
}

/**
 * Evidence is scrubbed before it is clipped, with the ledger's own rules as
 * well as the built-in ones: a token cut in half by the clip no longer has
 * its shape, and its first half would pass any scrubber after it.
 */
function clip(line: string, scrubber: Scrubber): string {
  const t = scrubber.text(line).trim();
  return t.length <= EVIDENCE_MAX ? t : `${t.slice(0, EVIDENCE_MAX - 1)}…`;
}

function exitAllows(rule: FailureRule, exitCode: number | undefined, signal: string | undefined): boolean {
  if (!rule.exit) return true;
  return (
    (exitCode !== undefined && (rule.exit.codes ?? []).includes(exitCode)) ||
    (signal !== undefined && (rule.exit.signals ?? []).includes(signal))
  );
}

/** The last line matching the rule: the end of the output is nearest the cause. */
function matchLines(rule: FailureRule, lines: readonly string[]): string | undefined {
  const firstAfter = rule.after ? lines.findIndex((l) => rule.after!.test(l)) : -1;
  if (rule.after && firstAfter < 0) return undefined;
  for (let i = lines.length - 1; i > firstAfter; i--) {
    const line = lines[i]!;
    if (rule.pattern.test(line) && !(rule.unless?.test(line) ?? false)) return line;
  }
  return undefined;
}

/**
 * The failure class of a finished job, or `null` when it did not fail
 * (exit code 0 and no signal). Rules are tried in FAILURE_RULES order; with
 * no match the class is `unknown` and the evidence is the last non-empty line.
 */
export function classifyFailure(
  input: FailureInput,
  rules: readonly FailureRule[] = FAILURE_RULES,
): FailureClassification | null {
  const exitCode = input.exitCode ?? undefined;
  const signal = normalizeSignal(input.signal);
  if (exitCode === 0 && signal === undefined) return null;

  const lines = input.tail
    .replace(ANSI_CSI, '')
    .split(/\r?\n|\r/)
    .filter((l) => l.trim() !== '')
    .map((l) => (l.length > LINE_MAX ? l.slice(0, LINE_MAX) : l));
  const status = [exitCode !== undefined ? `exit code ${exitCode}` : '', signal ? `signal ${signal}` : '']
    .filter(Boolean)
    .join(', ');
  const reason = input.executorReason?.trim() ?? '';
  const scrubber = input.scrubber ?? scrubberFor(undefined);

  for (const rule of rules) {
    if (!exitAllows(rule, exitCode, signal)) continue;
    let evidence: string | undefined;
    if (rule.source === 'tail') evidence = matchLines(rule, lines);
    else if (rule.source === 'reason')
      evidence = reason && rule.pattern.test(reason) ? `executor reason: ${reason}` : undefined;
    else evidence = status && rule.pattern.test(status) ? status : undefined;
    if (evidence !== undefined)
      return {
        class: rule.class,
        evidence: clip(evidence, scrubber),
        rule: rule.id,
        retryable: isRetryable(rule.class),
      };
  }
  const last = lines.at(-1);
  return {
    class: 'unknown',
    evidence: clip(last ?? (status || 'no output'), scrubber),
    rule: 'unknown',
    retryable: false,
  };
}
