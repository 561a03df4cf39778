import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptListResult } from '../../schemas/output.js';

export default class CkptList extends RunlogCommand {
  static summary = "List a run's checkpoints by numeric step, each complete (has metadata.json) or incomplete, with its lineage.";
  static examples = ['<%= config.bin %> ckpt list 2026-03-22_train', '<%= config.bin %> ckpt list /scratch/out/run1 --json'];
  static args = { target: Args.string({ description: 'run id, file path, or unique suffix; or an output root directory', required: true }) };
  static flags = {
    'output-root': Flags.string({ description: 'directory that holds the checkpoints (default: the Job block output_root, else the Results checkpoint dir)' }),
    milestone: Flags.integer({ description: 'step that is a milestone anchor', multiple: true }),
    reject: Flags.string({ description: 'checkpoint or output root of a rejected lineage', multiple: true }),
  };

  async run(): Promise<CkptListResult> {
    const { args, flags } = await this.parse(CkptList);
    const { checkpointContext } = await import('../../app/ckpt/context.js');
    const { listCheckpoints, annotateLineage } = await import('../../checkpoints/index.js');
    const ctx = checkpointContext(() => this.openLedger(flags), args.target, { outputRoot: flags['output-root'], milestone: flags.milestone, reject: flags.reject });
    const ckpts = annotateLineage(await listCheckpoints(ctx.root), ctx.lineage);
    const result: CkptListResult = {
      root: ctx.root,
      run: ctx.run?.run.id ?? null,
      checkpoints: ckpts.map((c) => ({ path: c.path, step: c.step, complete: c.complete, kind: c.kind, sizeBytes: c.sizeBytes, lineage: c.lineage ?? [] })),
    };
    this.say(`${ctx.root}${result.run ? `  (${result.run})` : ''}`);
    if (ckpts.length === 0) this.say('  no checkpoints');
    for (const c of result.checkpoints) {
      const final = ctx.final === c.path ? ['final'] : [];
      this.say(`  ${String(c.step).padStart(10)}  ${c.complete ? 'complete  ' : 'INCOMPLETE'}  ${c.path}${[...c.lineage, ...final].length ? `  [${[...c.lineage, ...final].join(', ')}]` : ''}`);
    }
    return result;
  }
}
