import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { historyService } from '../app/history.js';
import type { HistoryEntriesResult, HistoryResult } from '../schemas/output.js';

export default class History extends RunlogCommand {
  static summary = "The run's git history (follows renames); --entries: who wrote each Status entry, in which commit.";
  static description =
    "With --entries, every Status entry is shown with the commit, author and time that wrote it (git blame of the run log, following renames): an entry appended from another clone carries that clone's author, and a replayed commit keeps it. An entry edited later belongs to the commit that edited it.";
  static examples = [
    '<%= config.bin %> history 2026-03-22_train',
    '<%= config.bin %> history 2026-03-22_train --entries --json',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    entries: Flags.boolean({ description: 'every Status entry with the commit, author and time that wrote it' }),
  };

  async run(): Promise<Envelope<HistoryResult | HistoryEntriesResult>> {
    const { args, flags } = await this.parse(History);
    return this.present(
      await historyService({ run: args.run, entries: flags.entries, json: this.jsonEnabled(), ledger: flags.ledger }),
    );
  }
}
