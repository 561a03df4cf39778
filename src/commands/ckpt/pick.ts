import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptPickResult } from '../../schemas/output.js';

export default class CkptPick extends RunlogCommand {
  static summary = 'The newest complete checkpoint of the accepted lineage; never a guess.';
  static description =
    'With no complete checkpoint it fails (NO_COMPLETE_CHECKPOINT): escalate. A named checkpoint without metadata.json is refused (CHECKPOINT_INCOMPLETE).';
  static examples = [
    '<%= config.bin %> ckpt pick 2026-03-22_train',
    '<%= config.bin %> ckpt pick 2026-03-22_train --checkpoint /out/checkpoints/1000 --json',
  ];
  static args = {
    target: Args.string({
      description: 'run id, file path, or unique suffix; or an output root directory',
      required: true,
    }),
  };
  static flags = {
    checkpoint: Flags.string({ description: 'the checkpoint the user asked for: checked, never replaced' }),
    'output-root': Flags.string({ description: 'directory that holds the checkpoints' }),
    reject: Flags.string({ description: 'checkpoint or output root of a rejected lineage', multiple: true }),
  };

  async run(): Promise<Envelope<CkptPickResult>> {
    const { args, flags } = await this.parse(CkptPick);
    const { ckptPickService } = await import('../../app/ckpt/pick.js');
    return this.present(await ckptPickService({ ...args, ...flags }));
  }
}
