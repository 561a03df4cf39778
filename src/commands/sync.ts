import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { SyncResult } from '../schemas/output.js';

export default class Sync extends RunlogCommand {
  static summary =
    'Push local commits that were not pushed, replaying their operations onto a moved remote, and post the issue updates GitHub did not take.';
  static description =
    'Every logbook entry still marked mirror=pending is posted to the issue its logbook links (with or without a github: section). What is still pending is listed, and the command exits 5 until nothing is.';
  static examples = [
    '<%= config.bin %> sync',
    '<%= config.bin %> sync --json',
    '<%= config.bin %> sync --github-api https://ghe.example.com/api/v3',
  ];
  static flags = {
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<SyncResult>> {
    const { flags } = await this.parse(Sync);
    const { syncService } = await import('../app/sync.js');
    return this.present(await syncService(flags));
  }
}
