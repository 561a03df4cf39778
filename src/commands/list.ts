import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { listService } from '../app/list.js';
import { FAILURE_CLASSES } from '../core/failure-classes.js';
import { STATES } from '../core/lifecycle.js';
import type { ListResult } from '../schemas/output.js';

export default class List extends RunlogCommand {
  static summary = 'One line a run; filter by state, group, campaign, type or failure class.';
  static examples = [
    '<%= config.bin %> list --state running',
    '<%= config.bin %> list --group arx5_multitask --type experiment --json',
  ];
  static flags = {
    state: Flags.string({ description: 'only runs in this state', options: [...STATES] }),
    group: Flags.string({ description: 'only runs in this group (subfolder of run_logs/)' }),
    campaign: Flags.string({
      description: "only the runs of this campaign (its id: the campaign's folder under run_logs/)",
    }),
    type: Flags.string({ description: 'only runs of this type', options: ['replication', 'experiment', 'pipeline'] }),
    class: Flags.string({ description: 'only runs that failed with this class', options: [...FAILURE_CLASSES] }),
  };

  async run(): Promise<Envelope<ListResult>> {
    const { flags } = await this.parse(List);
    return this.present(await listService({ ...flags, json: this.jsonEnabled() }));
  }
}
