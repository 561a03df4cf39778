import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptVerifyResult } from '../../schemas/output.js';

export default class CkptVerify extends RunlogCommand {
  static summary =
    'Check a checkpoint against its passport (and signoff): hashes, paths inside the root, unlisted weight files.';
  static description =
    'Accepts passports and signoffs written by the checkpoint-passport tool. Exit 1 on any failure; warnings alone exit 0.';
  static examples = ['<%= config.bin %> ckpt verify /out/checkpoints/100000 --require-signoff'];
  static args = { checkpoint: Args.string({ description: 'checkpoint directory', required: true }) };
  static flags = {
    'require-signoff': Flags.boolean({ description: 'a missing SIGNOFF.json is a failure' }),
    'skip-dir': Flags.string({ description: 'directory the passport was built without', multiple: true }),
  };

  async run(): Promise<Envelope<CkptVerifyResult>> {
    const { args, flags } = await this.parse(CkptVerify);
    const { ckptVerifyService } = await import('../../app/ckpt/verify.js');
    return this.present(await ckptVerifyService({ ...args, ...flags }));
  }
}
