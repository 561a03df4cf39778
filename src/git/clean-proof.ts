/**
 * What runlog's last commit left in the work tree: the commit, and the stat of
 * each file it wrote. The next write in this clone asks git whether the files
 * it is about to change hold someone's uncommitted edits (`git status`, one
 * process: ~10 ms of an append that costs ~100 ms on a quiet machine); a file
 * whose stat is still the one recorded right after runlog committed it, with
 * HEAD still that commit, is known to be clean without asking.
 *
 * Sound because any later change to the file changes its stat: a rewrite
 * moves its mtime and ctime, an atomic replace its inode. Only a change in the
 * same timestamp tick as the recording could keep them, so a file whose mtime
 * is within RACY_MS of the recording is not recorded (git treats its own
 * "racily clean" index entries the same way). A file that changed while git
 * was committing it is not recorded either. Like the run index, the record
 * lives in the git dir, is never committed, and is safe to delete.
 */
import { closeSync, constants, lstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';

/** Linux file times come from a coarse clock: one tick (a jiffy) is at most 10 ms. */
const RACY_MS = 20;

interface Proof {
  head: string;
  files: Record<string, string>;
}

/** The file's own stat, never a link's target (a link in its place reads as changed). */
function statKey(abs: string): string | null {
  try {
    const st = lstatSync(abs);
    return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
  } catch {
    return null;
  }
}

function proofFile(gitDir: string): string {
  return join(gitDir, 'runlog', 'clean-proof.json');
}

/** Of `paths` (relative to `root`), those not known to be clean at `head`: git must be asked about them. */
export function notKnownClean(gitDir: string, root: string, head: string | null, paths: string[]): string[] {
  let proof: Proof;
  try {
    const fd = openSync(proofFile(gitDir), constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      proof = JSON.parse(readFileSync(fd, 'utf8')) as Proof;
    } finally {
      closeSync(fd);
    }
  } catch {
    return paths;
  }
  if (head === null || proof.head !== head || typeof proof.files !== 'object' || proof.files === null) return paths;
  return paths.filter((p) => {
    const known = proof.files[p];
    return typeof known !== 'string' || known !== statKey(join(root, p));
  });
}

/** The stat of each of `paths` as runlog just wrote them, taken before the commit. */
export function statsBeforeCommit(root: string, paths: string[]): Map<string, string | null> {
  return new Map(paths.map((p) => [p, statKey(join(root, p))]));
}

/** Record that `commit` holds `paths` as they are now, for those unchanged since `before` and not racy. */
export function rememberClean(gitDir: string, root: string, commit: string, before: Map<string, string | null>): void {
  const files: Record<string, string> = {};
  const now = Date.now();
  for (const [p, key] of before) {
    let st: Stats;
    try {
      st = lstatSync(join(root, p));
    } catch {
      continue;
    }
    const after = `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
    if (key !== after || now - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS) continue;
    files[p] = after;
  }
  try {
    // Not atomic and not synced: a torn or lost record only means the next write asks git.
    const fd = openSync(
      proofFile(gitDir),
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      writeSync(fd, JSON.stringify({ head: commit, files } satisfies Proof));
    } finally {
      closeSync(fd);
    }
  } catch {
    // no record: the next write asks git
  }
}
