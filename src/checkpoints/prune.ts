import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { usageError } from '../core/errors.js';
import { refMatches } from './lineage.js';
import type { Checkpoint } from './list.js';

export interface PruneOptions {
  /** Keep the newest N complete checkpoints (rollback depth). */
  keepLast: number;
  /** Keep every checkpoint whose step is a multiple of this (permanent milestone anchors). */
  keepEvery?: number;
  /** The run's final checkpoint. */
  final?: string;
  /** More references never to delete (launch checkpoint, recovery sources, anything the user names). */
  protect: string[];
}

export type KeepReason =
  | 'latest'
  | 'final'
  | 'launch_source'
  | 'recovery_source'
  | 'milestone'
  | 'keep_every'
  | 'protected'
  | 'in_progress';

export interface PrunePlan {
  delete: Checkpoint[];
  keep: { ckpt: Checkpoint; reasons: KeepReason[] }[];
  /** Protect references that matched no listed checkpoint: shown so a typo is noticed before confirming. */
  unmatchedProtect: string[];
}

/** Lists candidates only; deleting is a separate, confirmed step (applyPrune). */
export function planPrune(ckpts: Checkpoint[], opts: PruneOptions): PrunePlan {
  if (!Number.isInteger(opts.keepLast) || opts.keepLast < 0) {
    throw usageError(
      'PRUNE_KEEP_LAST_INVALID',
      `keep-last must be a non-negative integer, got ${opts.keepLast}`,
      'pass --keep-last N, e.g. --keep-last 10',
    );
  }
  if (opts.keepEvery !== undefined && (!Number.isInteger(opts.keepEvery) || opts.keepEvery <= 0)) {
    throw usageError(
      'PRUNE_KEEP_EVERY_INVALID',
      `keep-every must be a positive integer, got ${opts.keepEvery}`,
      'pass --keep-every STEPS, e.g. --keep-every 100000',
    );
  }
  const newestFirst = [...ckpts].sort((a, b) => b.step - a.step || b.mtimeMs - a.mtimeMs);
  const latest = new Set(newestFirst.filter((c) => c.complete).slice(0, opts.keepLast));
  const newestComplete = newestFirst.find((c) => c.complete);

  const reasonsFor = (ckpt: Checkpoint): KeepReason[] => {
    const reasons: KeepReason[] = [];
    if (latest.has(ckpt)) reasons.push('latest');
    if (opts.final !== undefined && refMatches(opts.final, ckpt.path)) reasons.push('final');
    if (ckpt.lineage?.includes('launch_source')) reasons.push('launch_source');
    if (ckpt.lineage?.includes('recovery_source')) reasons.push('recovery_source');
    if (ckpt.lineage?.includes('milestone')) reasons.push('milestone');
    if (opts.keepEvery !== undefined && ckpt.step % opts.keepEvery === 0) reasons.push('keep_every');
    if (opts.protect.some((ref) => refMatches(ref, ckpt.path))) reasons.push('protected');
    // A checkpoint newer than every complete one may still be being written.
    if (!ckpt.complete && (!newestComplete || ckpt.step > newestComplete.step)) reasons.push('in_progress');
    return reasons;
  };

  const plan: PrunePlan = { delete: [], keep: [], unmatchedProtect: [] };
  for (const ckpt of [...ckpts].sort((a, b) => a.step - b.step)) {
    const reasons = reasonsFor(ckpt);
    if (reasons.length > 0) plan.keep.push({ ckpt, reasons });
    else plan.delete.push(ckpt);
  }
  const refs = [...opts.protect, ...(opts.final === undefined ? [] : [opts.final])];
  plan.unmatchedProtect = refs.filter((ref) => !ckpts.some((c) => refMatches(ref, c.path)));
  return plan;
}

/** Deletes exactly the planned checkpoints; anything also marked keep is left alone. */
export async function applyPrune(plan: PrunePlan): Promise<Checkpoint[]> {
  const kept = new Set(plan.keep.map((k) => path.resolve(k.ckpt.path)));
  const removed: Checkpoint[] = [];
  for (const ckpt of plan.delete) {
    const abs = path.resolve(ckpt.path);
    if (kept.has(abs) || abs === path.parse(abs).root) continue;
    const exists = await stat(abs).then(
      () => true,
      () => false,
    );
    if (!exists) continue;
    await rm(abs, { recursive: true, force: true });
    removed.push(ckpt);
  }
  return removed;
}
