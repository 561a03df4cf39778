import { stat } from 'node:fs/promises';
import path from 'node:path';
import { failed, notFound, rejected } from '../core/errors.js';
import { annotateLineage, refMatches, type LineageOptions } from './lineage.js';
import { describeCheckpoint, type Checkpoint } from './list.js';
import { parseStep } from './step.js';

export interface PickOptions {
  lineage?: LineageOptions;
  /** A checkpoint the user asked for by path; it must be complete and not rejected. */
  named?: string;
}

export interface SkippedCheckpoint {
  path: string;
  step: number;
  reason: 'incomplete' | 'rejected_lineage';
}

export interface PickResult {
  checkpoint: Checkpoint;
  /** Newer checkpoints passed over, and why: evidence for the Status entry. */
  skipped: SkippedCheckpoint[];
}

export async function pickCheckpoint(ckpts: Checkpoint[], opts: PickOptions = {}): Promise<PickResult> {
  const annotated = annotateLineage(ckpts, opts.lineage ?? {});
  if (opts.named !== undefined)
    return { checkpoint: await checkNamed(annotated, opts.named, opts.lineage ?? {}), skipped: [] };

  const newestFirst = [...annotated].sort((a, b) => b.step - a.step || b.mtimeMs - a.mtimeMs);
  const skipped: SkippedCheckpoint[] = [];
  for (const ckpt of newestFirst) {
    if (ckpt.lineage?.includes('rejected')) {
      skipped.push({ path: ckpt.path, step: ckpt.step, reason: 'rejected_lineage' });
    } else if (!ckpt.complete) {
      skipped.push({ path: ckpt.path, step: ckpt.step, reason: 'incomplete' });
    } else {
      return { checkpoint: ckpt, skipped };
    }
  }
  throw failed(
    'NO_COMPLETE_CHECKPOINT',
    `no complete checkpoint (with metadata.json) of an accepted lineage among ${ckpts.length} found`,
    'escalate to the DRI; never guess and never resume from an incomplete or rejected checkpoint',
    { details: { skipped } },
  );
}

async function checkNamed(annotated: Checkpoint[], named: string, lineage: LineageOptions): Promise<Checkpoint> {
  let ckpt = annotated.find((c) => refMatches(named, c.path));
  if (!ckpt) {
    const abs = path.resolve(named);
    const exists = await stat(abs).then(
      () => true,
      () => false,
    );
    if (!exists) {
      throw notFound(
        'CHECKPOINT_NOT_FOUND',
        `checkpoint ${named} does not exist`,
        'check the path, or run `runlog ckpt list` to see the checkpoints of the output root',
      );
    }
    const step = parseStep(path.basename(abs));
    if (step === null) {
      throw rejected(
        'CHECKPOINT_STEP_UNPARSED',
        `cannot parse a numeric step from checkpoint name ${path.basename(abs)}`,
        'name the checkpoint by step (e.g. checkpoints/1000) or escalate to the DRI; never guess the step',
      );
    }
    ckpt = annotateLineage([await describeCheckpoint(abs, step)], lineage)[0];
  }
  if (!ckpt) throw notFound('CHECKPOINT_NOT_FOUND', `checkpoint ${named} does not exist`, 'check the path');
  if (ckpt.lineage?.includes('rejected')) {
    throw rejected(
      'CHECKPOINT_REJECTED_LINEAGE',
      `checkpoint ${ckpt.path} belongs to a rejected lineage`,
      'pick a checkpoint from the accepted lineage, or escalate to the DRI',
    );
  }
  if (!ckpt.complete) {
    throw rejected(
      'CHECKPOINT_INCOMPLETE',
      `checkpoint ${ckpt.path} has no metadata.json, so it may be partially written`,
      'block the launch and escalate to the DRI; do not resume from an incomplete checkpoint',
      { path: ckpt.path, step: ckpt.step },
    );
  }
  return ckpt;
}
