import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptSignoffResult } from '../../schemas/output.js';

export default class CkptSignoff extends RunlogCommand {
  static summary = 'Write SIGNOFF.json (schema 0.2) over the passport and every file it lists, then verify it.';
  static description =
    'A hard failure is never signed: fix it instead. soft_signal needs --reason. The signoff is recorded in the run log of the run that produced the checkpoint, and Next then allows eval / upload.';
  static examples = [
    '<%= config.bin %> ckpt signoff /out/checkpoints/100000 --verdict pass --by "Ada Lovelace"',
    '<%= config.bin %> ckpt signoff /out/checkpoints/100000 --verdict soft_signal --reason "val loss flat for the last 5k steps"',
  ];
  static args = {
    checkpoint: Args.string({ description: 'checkpoint directory holding MODEL_PASSPORT.json', required: true }),
  };
  static flags = {
    verdict: Flags.string({ description: 'pass or soft_signal', options: ['pass', 'soft_signal'], required: true }),
    reason: Flags.string({ description: 'why (required for soft_signal)' }),
    by: Flags.string({ description: "who signs it off (default: git's user.name)" }),
    run: Flags.string({ description: 'the run to record it in (default: found from the passport or the run logs)' }),
    'skip-dir': Flags.string({ description: 'directory the passport was built without', multiple: true }),
  };

  async run(): Promise<Envelope<CkptSignoffResult>> {
    const { args, flags } = await this.parse(CkptSignoff);
    const { ckptSignoffService } = await import('../../app/ckpt/signoff.js');
    return this.present(await ckptSignoffService({ ...args, ...flags, version: this.config.version }));
  }
}
