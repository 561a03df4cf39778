import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptVerifyResult } from '../../schemas/output.js';

export default class CkptVerify extends RunlogCommand {
  static summary = 'Check a checkpoint against its passport (and signoff): hashes, paths inside the root, unlisted weight files.';
  static description = 'Accepts passports and signoffs written by the checkpoint-passport tool. Exit 1 on any failure; warnings alone exit 0.';
  static examples = ['<%= config.bin %> ckpt verify /out/checkpoints/100000 --require-signoff'];
  static args = { checkpoint: Args.string({ description: 'checkpoint directory', required: true }) };
  static flags = {
    'require-signoff': Flags.boolean({ description: 'a missing SIGNOFF.json is a failure' }),
    'skip-dir': Flags.string({ description: 'directory the passport was built without', multiple: true }),
  };

  async run(): Promise<CkptVerifyResult> {
    const { args, flags } = await this.parse(CkptVerify);
    const { verifyCheckpoint } = await import('../../publish/verify.js');
    const report = await verifyCheckpoint(args.checkpoint, { requireSignoff: flags['require-signoff'], skipDirs: flags['skip-dir'] });
    for (const w of report.warnings) this.warn2(`${w.path ? `${w.path}: ` : ''}${w.message}`);
    if (report.ok) {
      this.say(`${report.root}: ok${report.signoff ? ` (signed ${report.signoff.verdict} by ${report.signoff.signed_by.tool} at ${report.signoff.signed_at})` : ''}`);
    } else {
      for (const f of report.failures) process.stderr.write(`${f.path ? `${f.path}: ` : ''}${f.check}: ${f.message}\n`);
      if (!this.jsonEnabled()) process.stderr.write(`error[CHECKPOINT_INVALID]: ${report.failures.length} check(s) failed for ${report.root}\nhint: do not eval, upload or hand off this checkpoint; regenerate the passport and signoff after fixing the files\n`);
      process.exitCode = 1;
    }
    return report;
  }
}
