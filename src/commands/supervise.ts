import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { SuperviseResult } from '../schemas/output.js';

export default class Supervise extends RunlogCommand {
  static summary =
    'The long-running control loop: a poll pass every interval; reconciles with the executors on start; SIGTERM stops it after the current pass.';
  static examples = [
    '<%= config.bin %> supervise --every 60s',
    '<%= config.bin %> supervise --every 1s --exit-when-idle',
  ];
  static flags = {
    every: Flags.string({ description: 'time between passes', default: '60s' }),
    'max-passes': Flags.integer({ description: 'stop after this many passes', min: 1 }),
    'exit-when-idle': Flags.boolean({ description: 'stop once no run is active or waiting to launch', default: false }),
  };

  async run(): Promise<Envelope<SuperviseResult>> {
    const { flags } = await this.parse(Supervise);
    const { superviseService } = await import('../app/supervise.js');
    return this.present(await superviseService({ ...flags, progress: this.progress() }));
  }
}
