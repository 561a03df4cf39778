/** `runlog ckpt pick`: the newest complete checkpoint a resume may use, and why the newer ones were skipped. */
import type { CommandOutput } from '../../cli/output.js';
import { listCheckpoints, pickCheckpoint } from '../../checkpoints/index.js';
import { openLedger } from '../../git/ledger-repo.js';
import type { CkptPickResult } from '../../schemas/output.js';
import { checkpointContext } from './context.js';

export interface CkptPickInput {
  ledger?: string;
  target: string;
  'output-root'?: string;
  reject?: string[];
  checkpoint?: string;
}

export async function ckptPickService(input: CkptPickInput): Promise<CommandOutput<CkptPickResult>> {
  const ctx = checkpointContext(() => openLedger({ ledger: input.ledger }), input.target, {
    outputRoot: input['output-root'],
    reject: input.reject,
  });
  const picked = await pickCheckpoint(await listCheckpoints(ctx.root), {
    lineage: ctx.lineage,
    named: input.checkpoint,
  });
  const c = picked.checkpoint;
  return {
    result: {
      root: ctx.root,
      run: ctx.run?.run.id ?? null,
      checkpoint: {
        path: c.path,
        step: c.step,
        complete: c.complete,
        kind: c.kind,
        sizeBytes: c.sizeBytes,
        lineage: c.lineage ?? [],
      },
      skipped: picked.skipped,
    },
    human: [c.path, ...picked.skipped.map((s) => `  skipped step ${s.step} (${s.reason}): ${s.path}`)],
  };
}
