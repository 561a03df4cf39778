import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptPassportResult } from '../../schemas/output.js';

export default class CkptPassport extends RunlogCommand {
  static summary = 'Write MODEL_PASSPORT.json (schema 0.2): integrity manifest, provenance from the run log, and a runlog section.';
  static description =
    'Interoperates with the checkpoint-passport tool: sections it wrote are kept. provenance.training_repo_commit is the launch git SHA recorded in the Job block (or --commit). The passport is recorded in the run log, and Next then asks for the signoff.';
  static examples = ['<%= config.bin %> ckpt passport /out/checkpoints/100000 --run 2026-03-22_train'];
  static args = { checkpoint: Args.string({ description: 'checkpoint directory', required: true }) };
  static flags = {
    run: Flags.string({ description: 'the run that produced it (default: the run whose log names this checkpoint or its output root)' }),
    commit: Flags.string({ description: 'training repo commit, when the Job block records none' }),
    step: Flags.integer({ description: 'checkpoint step, when its name has none' }),
    'skip-dir': Flags.string({ description: 'directory left out of the manifest (relative path or bare name)', multiple: true }),
  };

  async run(): Promise<CkptPassportResult> {
    const { args, flags } = await this.parse(CkptPassport);
    const { passportInputs } = await import('../../app/ckpt/context.js');
    const { writePassport } = await import('../../publish/passport.js');
    const { sha256File } = await import('../../core/hash.js');
    const ledger = this.openLedger(flags);
    const inputs = await passportInputs(ledger, args.checkpoint, { run: flags.run, commit: flags.commit, step: flags.step });
    const written = await writePassport(inputs.root, {
      generatedBy: `runlog ${this.config.version}`,
      provenance: inputs.provenance,
      runlog: inputs.runlog,
      skipDirs: flags['skip-dir'],
    });
    const sha256 = await sha256File(written.file);
    const tx = await this.commit(
      ledger,
      {
        kind: 'ckpt-passport',
        run: inputs.runId,
        args: { run: inputs.runId, at: new Date().toISOString(), checkpoint: inputs.recorded, step: inputs.runlog.step, sha256, weightFiles: written.weightFiles.length },
      },
      flags.push,
    );
    this.say(`${written.file}: ${written.weightFiles.length} file(s), sha256 ${sha256}`);
    this.say(`next: runlog ckpt signoff ${args.checkpoint} --verdict pass`);
    return this.toJson({
      file: written.file,
      checkpoint: inputs.root,
      run: inputs.runId,
      step: inputs.runlog.step,
      sha256,
      weightFiles: written.weightFiles.length,
      provenance: inputs.provenance as unknown as Record<string, string>,
      ...tx.out,
    });
  }
}
