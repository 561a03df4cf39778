import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { OperatorResultOut } from '../schemas/output.js';

export default class Stop extends RunlogCommand {
  static summary = "Stop the run's live job (SIGTERM, then SIGKILL after the grace) and record it canceled.";
  static examples = ['<%= config.bin %> stop 2026-03-22_train --reason "wrong learning rate"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it is stopped (recorded)', default: 'operator request' }),
    grace: Flags.string({ description: 'time between SIGTERM and SIGKILL; default jobs.kill_grace' }),
  };

  async run(): Promise<Envelope<OperatorResultOut>> {
    const { args, flags } = await this.parse(Stop);
    const { stopService } = await import('../app/stop.js');
    return this.present(await stopService({ ...args, ...flags }));
  }
}
