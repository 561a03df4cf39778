import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { splitCommand } from '../cli/argv.js';
import type { OperatorResultOut } from '../schemas/output.js';

export default class Retry extends RunlogCommand {
  static summary = 'Start a new attempt of an ended run (## Job (retry N)) with the same request, or the command given after --; preflight runs again.';
  static examples = ['<%= config.bin %> retry 2026-03-22_train', '<%= config.bin %> retry 2026-03-22_train -- node train.mjs --lr 1e-4'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };

  async run(): Promise<Envelope<OperatorResultOut>> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Retry, own);
    const { retryService } = await import('../app/retry.js');
    return this.present(await retryService({ ...args, ...flags, command }));
  }
}
