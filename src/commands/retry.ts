import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { splitCommand } from '../cli/argv.js';
import type { OperatorResultOut } from '../schemas/output.js';

export default class Retry extends RunlogCommand {
  static summary =
    'Start a new attempt of an ended run (## Job (retry N)) with the same request, or the command given after --; preflight runs again.';
  static description =
    'Preflight runs first: a retry it refuses writes no Job block, only a Status entry with the reasons (exit 3). --script / --config replace the recorded request, logged as a Status entry.';
  static examples = [
    '<%= config.bin %> retry 2026-03-22_train',
    '<%= config.bin %> retry 2026-03-22_train -- node train.mjs --lr 1e-4',
    '<%= config.bin %> retry 2026-03-22_train --script train.py --config configs/fixed.yaml',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    script: Flags.string({
      description: 'the script to run instead of the recorded one (updates Config, with a Status entry)',
    }),
    config: Flags.string({
      description: 'the config file to use instead of the recorded one (updates Config, with a Status entry)',
    }),
  };

  async run(): Promise<Envelope<OperatorResultOut>> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Retry, own);
    const { retryService } = await import('../app/retry.js');
    return this.present(await retryService({ ...args, ...flags, command }));
  }
}
