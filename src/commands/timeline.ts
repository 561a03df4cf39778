import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { IndexResult } from '../schemas/output.js';

export default class Timeline extends RunlogCommand {
  static summary =
    "Rebuild each folder's timeline.md from its run logs; --check changes nothing and exits 1 when stale.";
  static examples = ['<%= config.bin %> timeline', '<%= config.bin %> timeline --group arx5_multitask --check'];
  static flags = {
    group: Flags.string({ description: 'only this group' }),
    check: Flags.boolean({ description: 'report stale files, change nothing (exit 1 when stale)' }),
  };

  async run(): Promise<Envelope<IndexResult>> {
    const { flags } = await this.parse(Timeline);
    const { timelineService } = await import('../app/timeline.js');
    return this.present(await timelineService(flags));
  }
}
