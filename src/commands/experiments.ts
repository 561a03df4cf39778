import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { IndexResult } from '../schemas/output.js';

export default class Experiments extends RunlogCommand {
  static summary =
    "Rebuild each folder's experiments.md rows (status, val_loss) from its experiment runs; keeps your columns and notes.";
  static examples = ['<%= config.bin %> experiments', '<%= config.bin %> experiments --check'];
  static flags = {
    group: Flags.string({ description: 'only this group' }),
    check: Flags.boolean({ description: 'report stale files, change nothing (exit 1 when stale)' }),
  };

  async run(): Promise<Envelope<IndexResult>> {
    const { flags } = await this.parse(Experiments);
    const { experimentsService } = await import('../app/experiments.js');
    return this.present(await experimentsService(flags));
  }
}
