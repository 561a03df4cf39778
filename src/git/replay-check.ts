/**
 * Before a local commit is replayed on top of a moved remote, its operation
 * must still describe it. A runlog commit amended by hand (a typo fixed in
 * the file, the habit of `git commit --amend`) keeps its trailer, and
 * replaying the trailer would bring the typo back and, when the original
 * was already pushed, record the entry twice.
 *
 * Commits this process made are known to match. Any other is checked by
 * applying its operation to the commit's parent, read through git, and
 * comparing with what the commit holds. Only an operation exactly as this
 * runlog records it can be held to that: one the door refuses is left to the
 * replay (a REPLAY_CONFLICT that parks it), and one the door changes (an
 * earlier runlog wrote raw secrets into its trailer) is replayed scrubbed,
 * since what its commit holds was never what the operation alone produces. Replays of commits made by earlier
 * processes are rare (an offline clone coming back), so the check costs
 * nothing on the busy path.
 */
import { execFileSync } from 'node:child_process';
import { relative, sep } from 'node:path';
import type { Operation } from '../core/operation.js';
import type { ApplyOperation } from './transaction.js';
import { GIT_ENV, type Git } from './git.js';
import type { Ledger, LedgerView } from './ledger-repo.js';

const madeHere = new Set<string>();

/** Note a commit this process made from an operation: it needs no check. */
export function noteMadeHere(sha: string): void {
  madeHere.add(sha);
}

/** Whether `sha` no longer is exactly what applying `op` to its parent produces. */
export async function editedByHand(
  ledger: Ledger,
  apply: ApplyOperation,
  sha: string,
  op: Operation,
): Promise<boolean> {
  if (madeHere.has(sha)) return false;
  const prefix = ledgerPrefix(ledger);
  const show = (rev: string, path: string): string | null => {
    try {
      // --filters gives the file as it is checked out (eol, smudge), the form runlog writes.
      return execFileSync('git', ['cat-file', '--filters', `${rev}:${prefix}${path}`], {
        cwd: ledger.gitTop,
        env: GIT_ENV,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: ledger.git.timeoutMs,
        maxBuffer: 256 * 1024 * 1024,
      });
    } catch {
      return null;
    }
  };
  const parent: LedgerView = { root: ledger.root, config: ledger.config, read: (p) => show(`${sha}^`, p) };
  let applied: Awaited<ReturnType<ApplyOperation>>;
  try {
    applied = await apply(parent, op);
  } catch {
    return false;
  }
  if (canonical(applied.op) !== canonical(op)) return false;
  const writes = applied.writes.filter((w) => parent.read(w.path) !== w.content);
  const changed = await changedPaths(ledger.git, sha);
  const expected = writes.map((w) => `${prefix}${w.path}`).sort();
  if (changed.length !== expected.length || changed.some((p, i) => p !== expected[i])) return true;
  return writes.some((w) => show(sha, w.path) !== w.content);
}

async function changedPaths(git: Git, sha: string): Promise<string[]> {
  const out = await git.run(['diff-tree', '-r', '-z', '--no-commit-id', '--name-only', '--no-renames', '--root', sha]);
  return out.split('\0').filter(Boolean).sort();
}

/** The ledger's folder inside the repository, as git names paths (`''` at the top). */
function ledgerPrefix(ledger: Ledger): string {
  const rel = relative(ledger.gitTop, ledger.root).split(sep).join('/');
  return rel === '' ? '' : `${rel}/`;
}

/** JSON with keys sorted at every level: the door rebuilds objects in its own key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}
