import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { WandbRecordResult } from '../../schemas/output.js';

export default class WandbRecord extends RunlogCommand {
  static summary =
    'Record a W&B local dir and/or synced URL in a Job block (and the W&B section), so each block names its own dashboard.';
  static examples = [
    '<%= config.bin %> wandb record 2026-03-22_train --local wandb/offline-run-20260311_150000-abc123 --synced https://wandb.ai/acme/arx5/runs/abc123 --job "Job (resumed)"',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    local: Flags.string({ description: 'offline run dir' }),
    synced: Flags.string({ description: 'synced run URL', multiple: true }),
    job: Flags.string({ description: 'Job block heading (default: the newest)' }),
  };

  async run(): Promise<Envelope<WandbRecordResult>> {
    const { args, flags } = await this.parse(WandbRecord);
    const { wandbRecordService } = await import('../../app/wandb/record.js');
    return this.present(await wandbRecordService({ ...args, ...flags }));
  }
}
