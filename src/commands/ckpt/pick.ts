import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptPickResult } from '../../schemas/output.js';

export default class CkptPick extends RunlogCommand {
  static summary = 'The newest complete checkpoint of the accepted lineage; never a guess.';
  static description = 'With no complete checkpoint it fails (NO_COMPLETE_CHECKPOINT): escalate. A named checkpoint without metadata.json is refused (CHECKPOINT_INCOMPLETE).';
  static examples = ['<%= config.bin %> ckpt pick 2026-03-22_train', '<%= config.bin %> ckpt pick 2026-03-22_train --checkpoint /out/checkpoints/1000 --json'];
  static args = { target: Args.string({ description: 'run id, file path, or unique suffix; or an output root directory', required: true }) };
  static flags = {
    checkpoint: Flags.string({ description: 'the checkpoint the user asked for: checked, never replaced' }),
    'output-root': Flags.string({ description: 'directory that holds the checkpoints' }),
    reject: Flags.string({ description: 'checkpoint or output root of a rejected lineage', multiple: true }),
  };

  async run(): Promise<CkptPickResult> {
    const { args, flags } = await this.parse(CkptPick);
    const { checkpointContext } = await import('../../app/ckpt/context.js');
    const { listCheckpoints, pickCheckpoint } = await import('../../checkpoints/index.js');
    const ctx = checkpointContext(() => this.openLedger(flags), args.target, { outputRoot: flags['output-root'], reject: flags.reject });
    const picked = await pickCheckpoint(await listCheckpoints(ctx.root), { lineage: ctx.lineage, named: flags.checkpoint });
    const c = picked.checkpoint;
    this.say(c.path);
    for (const s of picked.skipped) this.say(`  skipped step ${s.step} (${s.reason}): ${s.path}`);
    return {
      root: ctx.root,
      run: ctx.run?.run.id ?? null,
      checkpoint: { path: c.path, step: c.step, complete: c.complete, kind: c.kind, sizeBytes: c.sizeBytes, lineage: c.lineage ?? [] },
      skipped: picked.skipped,
    };
  }
}
