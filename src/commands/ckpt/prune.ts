import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptPruneResult } from '../../schemas/output.js';

export default class CkptPrune extends RunlogCommand {
  static summary = 'List checkpoint deletion candidates; delete them only with --yes (or an interactive yes).';
  static description =
    'Always kept: the newest N complete checkpoints, the final checkpoint, the launch checkpoint (initialize_from), every recovery source (resumed from), milestone anchors, multiples of --keep-every, anything --protect names, and a checkpoint newer than every complete one (it may still be being written). What was removed is recorded in the run log.';
  static examples = [
    '<%= config.bin %> ckpt prune 2026-03-22_train --keep-last 3',
    '<%= config.bin %> ckpt prune 2026-03-22_train --keep-last 3 --keep-every 100000 --yes',
  ];
  static args = {
    target: Args.string({
      description: 'run id, file path, or unique suffix; or an output root directory',
      required: true,
    }),
  };
  static flags = {
    'keep-last': Flags.integer({ description: 'keep the newest N complete checkpoints', required: true }),
    'keep-every': Flags.integer({ description: 'keep every checkpoint whose step is a multiple of this' }),
    protect: Flags.string({ description: 'another checkpoint never to delete', multiple: true }),
    milestone: Flags.integer({ description: 'step that is a milestone anchor', multiple: true }),
    'output-root': Flags.string({ description: 'directory that holds the checkpoints' }),
    yes: Flags.boolean({ description: 'delete the listed candidates (without it: list only)' }),
  };

  async run(): Promise<Envelope<CkptPruneResult>> {
    const { args, flags } = await this.parse(CkptPrune);
    const { ckptPruneService } = await import('../../app/ckpt/prune.js');
    return this.present(
      await ckptPruneService({
        ...args,
        ...flags,
        confirm:
          this.jsonEnabled() || process.stdin.isTTY !== true
            ? undefined
            : (plan, question) => this.confirm(plan, question),
      }),
    );
  }
}
