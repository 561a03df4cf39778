import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptListResult } from '../../schemas/output.js';

export default class CkptList extends RunlogCommand {
  static summary =
    "List a run's checkpoints by numeric step, each complete (has metadata.json) or incomplete, with its lineage.";
  static examples = [
    '<%= config.bin %> ckpt list 2026-03-22_train',
    '<%= config.bin %> ckpt list /scratch/out/run1 --json',
  ];
  static args = {
    target: Args.string({
      description: 'run id, file path, or unique suffix; or an output root directory',
      required: true,
    }),
  };
  static flags = {
    'output-root': Flags.string({
      description:
        'directory that holds the checkpoints (default: the Job block output_root, else the Results checkpoint dir)',
    }),
    milestone: Flags.integer({ description: 'step that is a milestone anchor', multiple: true }),
    reject: Flags.string({ description: 'checkpoint or output root of a rejected lineage', multiple: true }),
  };

  async run(): Promise<Envelope<CkptListResult>> {
    const { args, flags } = await this.parse(CkptList);
    const { ckptListService } = await import('../../app/ckpt/list.js');
    return this.present(await ckptListService({ ...args, ...flags }));
  }
}
