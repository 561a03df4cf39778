import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { LintResult } from '../schemas/output.js';

export default class Lint extends RunlogCommand {
  static summary = 'Check run logs for the common mistakes of the run-tracking skill; exit 1 when any error is found.';
  static description =
    "Rules: status-without-progress, results-without-checkpoint, missing-run-type, experiment-not-in-summary, wandb-url-only-in-section, wandb-not-synced, file-naming, flat-run-logs, iso-only-dates, missing-timeline, published-without-passport, next-eval-before-passport, front-matter-mismatch (plus the parser's own). Set a rule to off, warning or error under lint.rules in runlog.config.yaml.";
  static strict = false;
  static examples = ['<%= config.bin %> lint', '<%= config.bin %> lint 2026-03-22_train --json'];
  static args = {
    runs: Args.string({
      description: 'run ids, file paths, or unique suffixes (default: every run, plus folder rules)',
    }),
  };

  async run(): Promise<Envelope<LintResult>> {
    const { argv, flags } = await this.parse(Lint);
    const { lintService } = await import('../app/lint.js');
    return this.present(await lintService({ ...flags, runs: argv as string[] }));
  }
}
