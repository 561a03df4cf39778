import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { WandbShowResult } from '../../schemas/output.js';

export default class WandbShow extends RunlogCommand {
  static summary =
    "Read a run's offline W&B dirs (no network): run id, config, summary metrics, size, and staging bloat to clean before any sync.";
  static examples = [
    '<%= config.bin %> wandb show 2026-03-22_train',
    '<%= config.bin %> wandb show wandb/offline-run-20260311_150000-abc123 --json',
  ];
  static args = {
    target: Args.string({
      description: 'run id, file path, or unique suffix; or a W&B dir (run dir, wandb/, or the dir holding wandb/)',
      required: true,
    }),
  };
  static flags = {
    dir: Flags.string({ description: 'the W&B dir, when the run log records none' }),
    'bloat-threshold-mb': Flags.integer({
      description: 'media + artifacts + staging above this is flagged (MiB, default 1024)',
    }),
  };

  async run(): Promise<Envelope<WandbShowResult>> {
    const { args, flags } = await this.parse(WandbShow);
    const { wandbShowService } = await import('../../app/wandb/show.js');
    return this.present(await wandbShowService({ ...args, ...flags }));
  }
}
