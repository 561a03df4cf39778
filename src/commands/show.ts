import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { showService } from '../app/show.js';
import type { ShowResult } from '../schemas/output.js';

export default class Show extends RunlogCommand {
  static summary = 'Show the run as a person reads it (state, jobs, status, results, problems in the file).';
  static examples = ['<%= config.bin %> show 2026-03-22_train', '<%= config.bin %> show arx5/2026-03-22_train --json'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    'no-chart': Flags.boolean({ description: 'no loss sparkline (it is also left out when stdout is not a terminal)' }),
  };

  async run(): Promise<Envelope<ShowResult>> {
    const { args, flags } = await this.parse(Show);
    return this.present(
      await showService({
        run: args.run,
        ledger: flags.ledger,
        json: this.jsonEnabled(),
        chart: !flags['no-chart'] && process.stdout.isTTY === true,
      }),
    );
  }
}
