import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { WandbSyncResult } from '../../schemas/output.js';

export default class WandbSync extends RunlogCommand {
  static summary =
    "Sync a run's offline W&B dirs with the wandb CLI: dry run by default, --yes to do it; records the synced URL in the Job block and W&B section.";
  static description =
    'The destination is always explicit (--entity, --project); stale defaults inside the offline run are not used. The API key comes from WANDB_API_KEY, ~/.wandb_token or ~/.wandb_key, goes only to the wandb child process, and is never printed or written. Staging bloat blocks a real sync unless --allow-bloat.';
  static examples = [
    '<%= config.bin %> wandb sync 2026-03-22_train --entity acme --project arx5',
    '<%= config.bin %> wandb sync 2026-03-22_train --entity acme --project arx5 --yes',
  ];
  static args = {
    target: Args.string({ description: 'run id, file path, or unique suffix; or a W&B dir', required: true }),
  };
  static flags = {
    entity: Flags.string({ description: 'W&B entity (team or user)', required: true }),
    project: Flags.string({ description: 'W&B project', required: true }),
    yes: Flags.boolean({ description: 'run the sync (without it: show what would run)' }),
    dir: Flags.string({ description: 'the W&B dir, when the run log records none' }),
    job: Flags.string({ description: 'Job block heading the W&B run belongs to (default: the newest)' }),
    'allow-bloat': Flags.boolean({ description: 'sync even when staging bloat is flagged' }),
  };

  async run(): Promise<Envelope<WandbSyncResult>> {
    const { args, flags } = await this.parse(WandbSync);
    const { wandbSyncService } = await import('../../app/wandb/sync.js');
    return this.present(await wandbSyncService({ ...args, ...flags }));
  }
}
