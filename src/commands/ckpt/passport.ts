import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { CkptPassportResult } from '../../schemas/output.js';

export default class CkptPassport extends RunlogCommand {
  static summary =
    'Write MODEL_PASSPORT.json (schema 0.2): integrity manifest, provenance from the run log, and a runlog section.';
  static description =
    'Interoperates with the checkpoint-passport tool: sections it wrote are kept. provenance.training_repo_commit is the launch git SHA recorded in the Job block (or --commit). The passport is recorded in the run log, and Next then asks for the signoff.';
  static examples = ['<%= config.bin %> ckpt passport /out/checkpoints/100000 --run 2026-03-22_train'];
  static args = { checkpoint: Args.string({ description: 'checkpoint directory', required: true }) };
  static flags = {
    run: Flags.string({
      description: 'the run that produced it (default: the run whose log names this checkpoint or its output root)',
    }),
    commit: Flags.string({ description: 'training repo commit, when the Job block records none' }),
    step: Flags.integer({ description: 'checkpoint step, when its name has none' }),
    'skip-dir': Flags.string({
      description: 'directory left out of the manifest (relative path or bare name)',
      multiple: true,
    }),
  };

  async run(): Promise<Envelope<CkptPassportResult>> {
    const { args, flags } = await this.parse(CkptPassport);
    const { ckptPassportService } = await import('../../app/ckpt/passport.js');
    return this.present(await ckptPassportService({ ...args, ...flags, version: this.config.version }));
  }
}
