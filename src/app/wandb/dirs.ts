/** Where a run's offline W&B dirs are: an explicit dir, or what the run log records (relative to the ledger root, else to the output root). */
import { statSync } from 'node:fs';
import path from 'node:path';
import { notFound } from '../../core/errors.js';
import type { Ledger } from '../../git/ledger-repo.js';
import { loadRun, type RunContext } from '../ckpt/context.js';

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

export function wandbDirs(
  openLedger: () => Ledger,
  target: string,
  explicit?: string,
): { ctx: RunContext | null; dirs: string[] } {
  if (explicit)
    return { ctx: isDir(path.resolve(target)) ? null : loadRun(openLedger(), target), dirs: [path.resolve(explicit)] };
  if (!target.endsWith('.md') && isDir(path.resolve(target))) return { ctx: null, dirs: [path.resolve(target)] };
  const ledger = openLedger();
  const ctx = loadRun(ledger, target);
  const { wandbLocal, outputRoot } = ctx.artifacts;
  const dirs: string[] = [];
  for (const local of wandbLocal) {
    const candidates = path.isAbsolute(local)
      ? [local]
      : [
          path.resolve(ledger.root, local),
          ...(outputRoot
            ? [path.resolve(path.isAbsolute(outputRoot) ? outputRoot : path.resolve(ledger.root, outputRoot), local)]
            : []),
        ];
    const found = candidates.find(isDir);
    if (found) dirs.push(found);
  }
  if (dirs.length === 0) {
    throw notFound(
      'WANDB_DIR_NOT_FOUND',
      wandbLocal.length > 0
        ? `the W&B dir(s) ${ctx.run.id} records (${wandbLocal.join(', ')}) are not here`
        : `${ctx.run.id} records no local W&B dir`,
      'pass --dir <wandb/offline-run-...>, or record it with `runlog wandb record <run> --local <dir>`',
    );
  }
  return { ctx, dirs };
}
