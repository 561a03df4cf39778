import { lstat, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../core/errors.js';
import { isCheckpointFileName, parseStep } from './step.js';

export type LineageTag = 'launch_source' | 'recovery_source' | 'milestone' | 'rejected';

export interface Checkpoint {
  /** Absolute path of the checkpoint dir or file. */
  path: string;
  step: number;
  /** A dir is complete iff it holds metadata.json; a single-file checkpoint never has one, so it never is. */
  complete: boolean;
  kind: 'dir' | 'file';
  mtimeMs: number;
  sizeBytes?: number;
  lineage?: LineageTag[];
}

/** Directories that hold checkpoints by number alone (`checkpoints/100`). */
const CHECKPOINT_PARENT = /^(checkpoints?|ckpts?)$/i;
/** Trees that never hold checkpoints and can be huge. */
const SKIP_DIRS = new Set(['wandb', 'wandb_data', 'node_modules', '__pycache__']);
const MAX_DEPTH = 4;

export async function listCheckpoints(root: string): Promise<Checkpoint[]> {
  const absRoot = path.resolve(root);
  const rootStat = await stat(absRoot).catch(() => null);
  if (!rootStat?.isDirectory()) {
    throw notFound(
      'OUTPUT_ROOT_NOT_FOUND',
      `output root ${absRoot} is not a directory`,
      'pass the run output root (the directory that holds the checkpoints)',
    );
  }
  const found: Checkpoint[] = [];
  await walk(absRoot, 0, found);
  return found.sort(byStep);
}

/**
 * The newest complete checkpoint (highest numeric step, metadata.json
 * present) under a job's output dir; null when there is none, or when the
 * dir is not on this machine.
 */
export async function newestComplete(dir: string): Promise<Checkpoint | null> {
  try {
    return (await listCheckpoints(dir)).filter((c) => c.complete).at(-1) ?? null;
  } catch {
    return null;
  }
}

export function byStep(a: Checkpoint, b: Checkpoint): number {
  return a.step - b.step || a.mtimeMs - b.mtimeMs || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
}

async function walk(dir: string, depth: number, found: Checkpoint[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const parentIsCheckpointDir = depth === 0 || CHECKPOINT_PARENT.test(path.basename(dir));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    const step = parseStep(entry.name);
    const bareNumber = /^\d+$/.test(entry.name);
    if (entry.isDirectory()) {
      if (step !== null && (!bareNumber || parentIsCheckpointDir)) {
        found.push(await describeCheckpoint(full, step));
      } else if (depth < MAX_DEPTH && !SKIP_DIRS.has(entry.name)) {
        await walk(full, depth + 1, found);
      }
    } else if (entry.isFile() && step !== null && isCheckpointFileName(entry.name)) {
      found.push(await describeCheckpoint(full, step));
    }
  }
}

/** Describe one checkpoint path; used for listed ones and for a user-named path outside the listing. */
export async function describeCheckpoint(full: string, step: number): Promise<Checkpoint> {
  const info = await stat(full);
  if (info.isFile()) {
    return { path: full, step, complete: false, kind: 'file', mtimeMs: info.mtimeMs, sizeBytes: info.size };
  }
  const complete = await stat(path.join(full, 'metadata.json')).then(
    (s) => s.isFile(),
    () => false,
  );
  return { path: full, step, complete, kind: 'dir', mtimeMs: info.mtimeMs, sizeBytes: await treeSize(full) };
}

/** Sum of regular file sizes; symlinks are not followed so a linked blob store is not counted. */
async function treeSize(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await treeSize(full);
    else if (entry.isFile()) total += (await lstat(full)).size;
  }
  return total;
}
