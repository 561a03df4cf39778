/**
 * The code a job launches from: the commit, whether the tree is dirty, and
 * the dirty patch's hash. The ledger's own records (run logs, logbooks, the
 * config) are not code, so edits to them never make a launch dirty.
 */
import { relative } from 'node:path';
import { findGitDir, Git } from '../git/git.js';
import { sha256Bytes } from '../core/hash.js';

export interface TreeState {
  top: string;
  sha: string | null;
  dirtyPaths: string[];
  /** `git diff HEAD` of the tracked changes, empty when clean. */
  patch: string;
  patchSha256?: string;
}

/** Pathspecs (relative to the ledger root) that the dirty check ignores. */
export function ledgerExcludes(ledgerRoot: string, gitTop: string, runsDir: string): string[] {
  const rel = relative(gitTop, ledgerRoot);
  const inLedger = (p: string) => (rel === '' ? p : `${rel}/${p}`);
  return [runsDir, '.agents', 'runlog.config.yaml', '.gitignore', '.runlog'].map((p) => `:(exclude)${inLedger(p)}`);
}

export async function inspectTree(cwd: string, excludes: string[]): Promise<TreeState | undefined> {
  const found = findGitDir(cwd);
  if (!found) return undefined;
  const git = new Git(found.top);
  const sha = await git.head();
  const status = await git.run(['status', '--porcelain=v1', '-z', '--untracked-files=no', '--', '.', ...excludes]);
  const dirtyPaths = status
    .split('\0')
    .filter((e) => e.length > 3)
    .map((e) => e.slice(3));
  const patch =
    dirtyPaths.length === 0 || sha === null ? '' : await git.run(['diff', '--binary', 'HEAD', '--', '.', ...excludes]);
  return { top: found.top, sha, dirtyPaths, patch, patchSha256: patch === '' ? undefined : sha256Bytes(patch) };
}

/** Whether `relPath` (relative to the repo top) is a file in commit `sha`. */
export async function trackedAt(top: string, sha: string, relPath: string): Promise<boolean> {
  const r = await new Git(top).tryRun(['cat-file', '-t', `${sha}:${relPath}`]);
  return r.ok && r.out.trim() === 'blob';
}
