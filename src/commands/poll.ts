import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { PollResultOut } from '../schemas/output.js';

export default class Poll extends RunlogCommand {
  static summary =
    'One supervision pass over active runs: one executor query per executor, progress from the output, state changes committed.';
  static examples = ['<%= config.bin %> poll', '<%= config.bin %> poll 2026-03-22_train --json'];
  static strict = false;
  static args = {};
  static flags = {
    'kill-grace': Flags.string({
      description: 'SIGTERM → SIGKILL grace when a timed-out or stalled job is stopped; default jobs.kill_grace',
    }),
  };

  async run(): Promise<Envelope<PollResultOut>> {
    const { argv, flags } = await this.parse(Poll);
    const { pollService } = await import('../app/poll.js');
    return this.present(await pollService({ ...flags, runs: argv as string[] }));
  }
}
