import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { FAILURE_CLASSES } from '../core/failure-classes.js';
import type { FailResult } from '../schemas/output.js';

export default class Fail extends RunlogCommand {
  static summary = 'Record a terminal failure with its class and the reason, verbatim (secrets scrubbed).';
  static examples = [
    '<%= config.bin %> fail 2026-03-22_train --class oom_gpu --reason "CUDA out of memory at step 5200 (batch 64)"',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    class: Flags.string({ description: 'failure class', options: [...FAILURE_CLASSES], required: true }),
    reason: Flags.string({ description: 'what failed, with the evidence line', required: true }),
  };

  async run(): Promise<Envelope<FailResult>> {
    const { args, flags } = await this.parse(Fail);
    const { failService } = await import('../app/fail.js');
    return this.present(await failService({ ...args, ...flags }));
  }
}
