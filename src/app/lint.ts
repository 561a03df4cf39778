/** `runlog lint`: check run logs for the common mistakes; the answer is "no" (exit 1) when any error is found. */
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { lintLedger } from '../lint/lint.js';
import type { LintResult } from '../schemas/output.js';

export interface LintInput {
  ledger?: string;
  /** Run refs; none: every run, plus the folder rules. */
  runs: string[];
}

export async function lintService(input: LintInput): Promise<CommandOutput<LintResult>> {
  const report = lintLedger(openLedger({ ledger: input.ledger }), input.runs);
  const human = report.findings.map(
    (f) => `${f.file}${f.line > 0 ? `:${f.line}` : ''}: ${f.severity}: ${f.message} [${f.rule}]`,
  );
  human.push(`${report.files} run log(s): ${report.errors} error(s), ${report.warnings} warning(s)`);
  return { result: report, human, ...(report.errors > 0 ? { exitCode: 1 } : {}) };
}
