import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { STATES } from '../core/lifecycle.js';
import { compareService, terminalWidth } from '../app/compare.js';
import type { CompareResult } from '../schemas/output.js';

export default class Compare extends RunlogCommand {
  static summary =
    'Runs side by side: state, failure class, attempts, runtime, the settings that differ and the final metrics.';
  static description = [
    'Select runs by name, by --group, by --campaign (front matter `campaign: <id>`) and/or by --state.',
    'Settings come from the Config section (`script`, `config`, `dataset` and the `key settings` line, hand-kept or written by `runlog new --setting`); only those whose values differ are columns unless --all-params.',
    "Metrics are each run's final values (Results, else its last Status entries); those every run has come first.",
    'The table fits the terminal (cells are cut with …, rows never wrap); --md prints a GitHub table with links relative to the current directory, to paste into experiments.md, a PR or an issue.',
  ].join('\n');
  static strict = false;
  static examples = [
    '<%= config.bin %> compare 2026-03-22_lr3e-4 2026-03-22_lr1e-4',
    '<%= config.bin %> compare --group arx5 --state completed --sort val_loss',
    '<%= config.bin %> compare --campaign lr-sweep --metric val_loss --metric train_loss --md',
    '<%= config.bin %> compare --group arx5 --sort=-accuracy --json',
  ];
  static args = { runs: Args.string({ description: 'run ids, file paths, or unique suffixes' }) };
  static flags = {
    group: Flags.string({ description: 'every run in this group (subfolder of run_logs/)' }),
    campaign: Flags.string({ description: 'every run whose front matter says `campaign: <id>`' }),
    state: Flags.string({ description: 'only runs in this state', options: [...STATES] }),
    'all-params': Flags.boolean({ description: 'show every setting, not only those that differ' }),
    metric: Flags.string({ description: 'show this metric (repeat for several, in this order)', multiple: true }),
    sort: Flags.string({
      description:
        'sort by a metric, setting or column (id, state, class, attempts, runtime, step); prefix - for descending',
    }),
    md: Flags.boolean({ description: 'print a GitHub-flavoured Markdown table' }),
  };

  async run(): Promise<Envelope<CompareResult>> {
    const { argv, flags } = await this.parse(Compare);
    return this.present(
      await compareService({
        runs: argv as string[],
        group: flags.group,
        campaign: flags.campaign,
        state: flags.state,
        allParams: flags['all-params'],
        metric: flags.metric,
        sort: flags.sort,
        md: flags.md,
        json: this.jsonEnabled(),
        ledger: flags.ledger,
        width: terminalWidth(),
      }),
    );
  }
}
