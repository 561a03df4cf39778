/**
 * Every operation kind that can be committed, and so replayed. Later
 * features register theirs here too: replay must know every kind it may meet.
 */
import { failed } from '../../errors.js';
import type { Applied, LedgerView, Operation } from '../operation.js';
import { applyAppend, applyCancel, applyComplete, applyFail, applyNew, applyResume } from './record.js';
import { applyInit, applyRebuildExperiments, applyRebuildTimeline } from './index-files.js';
import { JOB_OPERATIONS } from './jobs.js';
import { applyJobRequeue } from './job-requeue.js';
import { LOGBOOK_OPERATIONS } from './logbook.js';
import { applyPassportRecord, applyPruneRecord, applySealRecord, applySignoffRecord, applyWandbRecord } from './artifacts.js';

type AnyApply = (view: LedgerView, args: never) => Promise<Applied> | Applied;

const REGISTRY: Record<string, AnyApply> = {
  init: applyInit,
  new: applyNew,
  append: applyAppend,
  complete: applyComplete,
  fail: applyFail,
  cancel: applyCancel,
  resume: applyResume,
  timeline: applyRebuildTimeline,
  experiments: applyRebuildExperiments,
  'ckpt-prune': applyPruneRecord,
  'ckpt-passport': applyPassportRecord,
  'ckpt-signoff': applySignoffRecord,
  seal: applySealRecord,
  wandb: applyWandbRecord,
  ...LOGBOOK_OPERATIONS,
  ...JOB_OPERATIONS,
  'job-requeue': applyJobRequeue,
};

export function registerOperation(kind: string, apply: AnyApply): void {
  REGISTRY[kind] = apply;
}

export async function applyOperation(view: LedgerView, op: Operation): Promise<Applied> {
  const apply = REGISTRY[op.kind];
  if (!apply) {
    throw failed('UNKNOWN_OPERATION', `this runlog does not know the operation "${op.kind}"`, 'upgrade runlog: the commit was made by a newer version');
  }
  return apply(view, op.args as never);
}
