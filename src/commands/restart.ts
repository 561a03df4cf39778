import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { splitCommand } from '../cli/argv.js';
import type { OperatorResultOut } from '../schemas/output.js';

export default class Restart extends RunlogCommand {
  static summary = 'Stop the live job (if any), record it canceled, and start a new attempt right away.';
  static examples = ['<%= config.bin %> restart 2026-03-22_train --reason "node looked wedged"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it is restarted (recorded)', default: 'operator restart' }),
    grace: Flags.string({ description: 'time between SIGTERM and SIGKILL; default jobs.kill_grace' }),
  };

  async run(): Promise<Envelope<OperatorResultOut>> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Restart, own);
    const { restartService } = await import('../app/restart.js');
    return this.present(await restartService({ ...args, ...flags, command }));
  }
}
