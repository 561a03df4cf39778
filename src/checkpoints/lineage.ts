import path from 'node:path';
import type { Checkpoint, LineageTag } from './list.js';

export interface LineageOptions {
  launchSource?: string;
  recoverySources?: string[];
  /** Steps that are permanent milestone anchors. */
  milestones?: number[];
  /** Checkpoints or whole output roots of a lineage that must not be resumed from. */
  rejected?: string[];
}

/**
 * A reference names a checkpoint by absolute path, a path relative to the cwd,
 * or a trailing part of its path (`checkpoints/100`, `step_100`).
 */
export function refMatches(ref: string, ckptPath: string): boolean {
  if (path.resolve(ref) === ckptPath) return true;
  const tail = path.normalize(ref).replace(/\/+$/, '');
  if (tail === '' || tail === '.' || tail.startsWith('..')) return false;
  return ckptPath === tail || ckptPath.endsWith(path.sep + tail);
}

/** A rejected reference covers the checkpoint itself and everything under it (a rejected output root). */
function isUnder(ref: string, ckptPath: string): boolean {
  if (refMatches(ref, ckptPath)) return true;
  const abs = path.resolve(ref);
  return ckptPath.startsWith(abs + path.sep);
}

export function annotateLineage(ckpts: Checkpoint[], opts: LineageOptions): Checkpoint[] {
  const milestones = new Set(opts.milestones ?? []);
  return ckpts.map((ckpt) => {
    const tags = new Set<LineageTag>(ckpt.lineage ?? []);
    if (opts.launchSource !== undefined && refMatches(opts.launchSource, ckpt.path)) tags.add('launch_source');
    if ((opts.recoverySources ?? []).some((ref) => refMatches(ref, ckpt.path))) tags.add('recovery_source');
    if (milestones.has(ckpt.step)) tags.add('milestone');
    if ((opts.rejected ?? []).some((ref) => isUnder(ref, ckpt.path))) tags.add('rejected');
    return { ...ckpt, lineage: [...tags] };
  });
}
