/** `runlog ckpt list`: a run's (or an output root's) checkpoints by step, with completeness and the lineage the run log records. */
import type { CommandOutput } from '../../cli/output.js';
import { annotateLineage, listCheckpoints } from '../../checkpoints/index.js';
import { openLedger } from '../../git/ledger-repo.js';
import type { CkptListResult } from '../../schemas/output.js';
import { checkpointContext } from './context.js';

export interface CkptListInput {
  ledger?: string;
  target: string;
  'output-root'?: string;
  milestone?: number[];
  reject?: string[];
}

export async function ckptListService(input: CkptListInput): Promise<CommandOutput<CkptListResult>> {
  const ctx = checkpointContext(() => openLedger({ ledger: input.ledger }), input.target, {
    outputRoot: input['output-root'],
    milestone: input.milestone,
    reject: input.reject,
  });
  const ckpts = annotateLineage(await listCheckpoints(ctx.root), ctx.lineage);
  const result: CkptListResult = {
    root: ctx.root,
    run: ctx.run?.run.id ?? null,
    checkpoints: ckpts.map((c) => ({
      path: c.path,
      step: c.step,
      complete: c.complete,
      kind: c.kind,
      sizeBytes: c.sizeBytes,
      lineage: c.lineage ?? [],
    })),
  };
  const human = [`${ctx.root}${result.run ? `  (${result.run})` : ''}`];
  if (ckpts.length === 0) human.push('  no checkpoints');
  for (const c of result.checkpoints) {
    const marks = [...c.lineage, ...(ctx.final === c.path ? ['final'] : [])];
    human.push(
      `  ${String(c.step).padStart(10)}  ${c.complete ? 'complete  ' : 'INCOMPLETE'}  ${c.path}${marks.length ? `  [${marks.join(', ')}]` : ''}`,
    );
  }
  return { result, human };
}
