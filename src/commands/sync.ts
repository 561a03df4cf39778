import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { SyncResult } from '../schemas/output.js';

export default class Sync extends RunlogCommand {
  static summary = 'Push local commits that were not pushed, replaying their operations onto a moved remote.';
  static examples = ['<%= config.bin %> sync'];

  async run(): Promise<Envelope<SyncResult>> {
    const { flags } = await this.parse(Sync);
    const { syncService } = await import('../app/sync.js');
    return this.present(await syncService(flags));
  }
}
