import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { runHistory } from '../ledger/queries.js';
import type { HistoryResult } from '../schemas/output.js';

export default class History extends RunlogCommand {
  static summary = "The run's git history (follows renames).";
  static examples = ['<%= config.bin %> history 2026-03-22_train'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };

  async run(): Promise<HistoryResult> {
    const { args, flags } = await this.parse(History);
    const ledger = this.openLedger(flags);
    const h = await runHistory(ledger, args.run);
    for (const c of h.commits) this.say(`${c.sha.slice(0, 12)}  ${c.at}  ${c.author.padEnd(16)}  ${c.subject}`);
    return h;
  }
}
