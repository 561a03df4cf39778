import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { InitResult } from '../schemas/output.js';

export default class Init extends RunlogCommand {
  static summary = 'Create runlog.config.yaml, run_logs/ and .agents/logbooks/; commit; push when a remote is set.';
  static description =
    'Idempotent: a second run changes nothing. Creates the git repository when the directory is not in one.';
  static examples = ['<%= config.bin %> init', '<%= config.bin %> init --remote git@github.com:me/project.git'];
  static flags = {
    remote: Flags.string({ description: 'git URL of the remote to push to (added as `origin` when missing)' }),
  };

  async run(): Promise<Envelope<InitResult>> {
    const { flags } = await this.parse(Init);
    const { initService } = await import('../app/init.js');
    return this.present(await initService(flags));
  }
}
