import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { CancelResult } from '../schemas/output.js';

export default class Cancel extends RunlogCommand {
  static summary = 'Mark the run canceled, with the reason.';
  static examples = ['<%= config.bin %> cancel 2026-03-22_train --reason "superseded by lr sweep"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it was canceled', required: true }),
  };

  async run(): Promise<Envelope<CancelResult>> {
    const { args, flags } = await this.parse(Cancel);
    const { cancelService } = await import('../app/cancel.js');
    return this.present(await cancelService({ ...args, ...flags }));
  }
}
