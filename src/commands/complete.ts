import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { CompleteResult } from '../schemas/output.js';

export default class Complete extends RunlogCommand {
  static summary = 'Fill ## Results, end the current Job block, state completed.';
  static examples = [
    '<%= config.bin %> complete 2026-03-22_train --final-step 100000 --metric val_loss=0.028 --checkpoint /ckpt/step-100000 --summary "smooth descent, no spikes"',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    'exit-code': Flags.integer({ description: 'exit code of the job (0)' }),
    'final-step': Flags.integer({ description: 'final training step' }),
    metric: Flags.string({ description: 'key=value final metric', multiple: true }),
    checkpoint: Flags.string({ description: 'path of the final checkpoint' }),
    summary: Flags.string({ description: 'one-line takeaway (loss_one_liner)' }),
  };

  async run(): Promise<Envelope<CompleteResult>> {
    const { args, flags } = await this.parse(Complete);
    const { completeService } = await import('../app/complete.js');
    return this.present(await completeService({ ...args, ...flags }));
  }
}
