import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptSignoffResult } from '../../schemas/output.js';

export default class CkptSignoff extends RunlogCommand {
  static summary = 'Write SIGNOFF.json (schema 0.2) over the passport and every file it lists, then verify it.';
  static description = 'A hard failure is never signed: fix it instead. soft_signal needs --reason. The signoff is recorded in the run log of the run that produced the checkpoint, and Next then allows eval / upload.';
  static examples = ['<%= config.bin %> ckpt signoff /out/checkpoints/100000 --verdict pass', '<%= config.bin %> ckpt signoff /out/checkpoints/100000 --verdict soft_signal --reason "val loss flat for the last 5k steps"'];
  static args = { checkpoint: Args.string({ description: 'checkpoint directory holding MODEL_PASSPORT.json', required: true }) };
  static flags = {
    verdict: Flags.string({ description: 'pass or soft_signal', options: ['pass', 'soft_signal'], required: true }),
    reason: Flags.string({ description: 'why (required for soft_signal)' }),
    run: Flags.string({ description: 'the run to record it in (default: found from the passport or the run logs)' }),
    'skip-dir': Flags.string({ description: 'directory the passport was built without', multiple: true }),
  };

  async run(): Promise<CkptSignoffResult> {
    const { args, flags } = await this.parse(CkptSignoff);
    const { writeSignoff } = await import('../../publish/signoff.js');
    const { sha256File } = await import('../../core/hash.js');
    const { runForCheckpoint } = await import('../../app/ckpt/context.js');
    const path = await import('node:path');
    const root = path.resolve(args.checkpoint);
    const verdict = flags.verdict as 'pass' | 'soft_signal';
    const written = await writeSignoff(root, { verdict, reason: flags.reason, tool: 'runlog', version: this.config.version, skipDirs: flags['skip-dir'] });
    const sha256 = await sha256File(written.file);
    const result: CkptSignoffResult = {
      file: written.file,
      checkpoint: root,
      run: null,
      verdict,
      verdict_reason: written.signoff.verdict_reason ?? null,
      artifacts: written.signoff.artifacts.length,
      sha256,
      warnings: written.report.warnings,
      commit: null,
      pushed: false,
    };
    this.say(`${written.file}: verdict ${verdict}, ${result.artifacts} artifact(s) signed and verified`);
    for (const w of written.report.warnings) this.warn2(w.message);
    const ledger = await this.tryLedger(flags);
    const run = ledger ? await runForCheckpoint(ledger, root, flags.run) : null;
    if (ledger && run) {
      result.run = run.runId;
      const tx = await this.commit(
        ledger,
        { kind: 'ckpt-signoff', run: run.runId, args: { run: run.runId, at: new Date().toISOString(), checkpoint: run.recorded, verdict, reason: result.verdict_reason, sha256 } },
        flags.push,
      );
      Object.assign(result, tx.out);
    } else {
      this.warn2('no run log names this checkpoint: the signoff is not recorded in a run log (pass --run to record it)');
    }
    return this.toJson(result);
  }

  private async tryLedger(flags: { ledger?: string }) {
    try {
      return this.openLedger(flags);
    } catch (err) {
      if (flags.ledger) throw err;
      return null;
    }
  }
}
