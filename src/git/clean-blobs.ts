/**
 * Which tracked files under a folder are exactly what git has staged, and
 * their blob ids: git stats the files in C against its own index's stat data
 * (racily-clean entries are compared by content). Measured on 10,000 run
 * logs: one `git ls-files` 22 ms of CPU against ~90 ms for the same
 * `statSync` calls from node (each builds a Stats object with four Dates).
 *
 * Only plain entries count: assume-unchanged or skip-worktree entries,
 * unmerged paths, symlinks and submodules are left to the caller's own
 * checks, since git does not vouch for their content.
 */
import { relative, sep } from 'node:path';
import type { Git } from './git.js';

/**
 * Calls `visit(path, blob)` for each clean tracked file under `root/dir`
 * (path relative to `root`, POSIX separators), as git's answer comes: a file
 * listed as modified is never visited. When git fails, some files may have
 * been visited before the error is thrown.
 */
export async function cleanBlobs(
  git: Git,
  gitTop: string,
  root: string,
  dir: string,
  visit: (path: string, blob: string) => void,
): Promise<void> {
  const prefix = relative(gitTop, root).split(sep).join('/');
  const under = prefix ? `${prefix}/` : '';
  const spec = `:(top,literal)${under}${dir}`;
  // One process: -c lists every cached entry (tag H), and -m lists right after it the same entry again
  // (tag C) when its file differs. Read entry by entry as it comes: at 100,000 runs the answer is ~11 MB.
  let held = null as { full: string; blob: string } | null;
  const flush = () => {
    if (held) visit(held.full.slice(under.length), held.blob);
    held = null;
  };
  const entry = (e: string) => {
    const tab = e.indexOf('\t');
    if (tab === -1) return;
    const full = e.slice(tab + 1);
    if (held?.full === full) {
      held = null; // listed again: its file differs
      return;
    }
    flush();
    // `H 100644 <sha> 0\t<path>`: H a plain cached entry, 0 the stage of a merged one, 100644/100755 a regular file
    const plain = (e.startsWith('H 100644 ') || e.startsWith('H 100755 ')) && e.startsWith(' 0', tab - 2);
    if (plain && full.startsWith(under)) held = { full, blob: e.slice(9, tab - 2) };
  };
  let rest = '';
  await git.run(['ls-files', '--full-name', '-s', '-v', '-c', '-m', '-z', '--', spec], (text) => {
    const chunk = rest + text;
    let at = 0;
    for (let end = chunk.indexOf('\0'); end !== -1; end = chunk.indexOf('\0', at)) {
      entry(chunk.slice(at, end));
      at = end + 1;
    }
    rest = chunk.slice(at);
  });
  if (rest) entry(rest);
  flush();
}
