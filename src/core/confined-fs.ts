/**
 * Reads and writes that stay inside a root directory. A ledger arrives
 * through git, and git stores symlinks: a committed `timeline.md` that links
 * to `~/.netrc`, or a group folder that links to `/home/someone`, would
 * otherwise be read into a commit or written through. Every component below
 * the root is lstat'ed and must be a real directory; the file itself must be
 * a regular file and is opened with O_NOFOLLOW, so a link swapped in between
 * the check and the open fails instead of being followed.
 *
 * Cost: one lstat per path component (3-4 for a run log), ~2 µs each here;
 * an append makes about ten such calls.
 */
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  readSync,
  unlinkSync,
  type Stats,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { failed } from './errors.js';
import { atomicWriteMany } from './fs.js';

/** Whether `rel` is a plain relative path: POSIX separators, no `..`, `.`, empty or absolute part. */
export function isPlainPath(rel: string): boolean {
  return (
    rel !== '' &&
    !isAbsolute(rel) &&
    !rel.includes('\0') &&
    rel.split('/').every((p) => p !== '' && p !== '.' && p !== '..')
  );
}

function segments(rel: string): string[] {
  const parts = rel.split('/');
  if (!isPlainPath(rel)) {
    throw failed(
      'PATH_OUTSIDE_LEDGER',
      `${JSON.stringify(rel)} is not a plain path inside the ledger`,
      'name files by their path under the ledger root, without `..`',
    );
  }
  return parts;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return null;
    throw err;
  }
}

export function symlinkRefused(rel: string, abs: string): Error {
  let target = '';
  try {
    target = ` (to ${readlinkSync(abs)})`;
  } catch {
    // it changed under us; the path is enough
  }
  return failed(
    'SYMLINK_IN_LEDGER',
    `${rel} is a symbolic link${target}; runlog does not follow links inside the ledger`,
    `replace it with a regular file or folder (\`git rm ${rel}\`, commit), then run the command again`,
    { details: { path: rel } },
  );
}

function notRegular(rel: string): Error {
  return failed(
    'NOT_A_REGULAR_FILE',
    `${rel} is not a regular file`,
    `replace ${rel} with a regular file, then run the command again`,
    { details: { path: rel } },
  );
}

/** Every directory on the way to `rel` (not the last component) must be absent or a real directory. */
function checkParents(root: string, parts: string[], rel: string): void {
  let abs = root;
  for (let i = 0; i < parts.length - 1; i++) {
    abs = join(abs, parts[i]!);
    const st = lstatOrNull(abs);
    if (st === null) return;
    if (st.isSymbolicLink()) throw symlinkRefused(parts.slice(0, i + 1).join('/'), abs);
    if (!st.isDirectory())
      throw failed(
        'NOT_A_DIRECTORY',
        `${parts.slice(0, i + 1).join('/')} is not a folder`,
        `move it away so ${rel} can be written`,
      );
  }
}

/** The absolute path of `rel` under `root` after checking it leads through no symlink. */
export function insidePath(root: string, rel: string): string {
  const parts = segments(rel);
  checkParents(root, parts, rel);
  const abs = join(root, ...parts);
  if (lstatOrNull(abs)?.isSymbolicLink()) throw symlinkRefused(rel, abs);
  return abs;
}

/** Kind of what is at `rel`: absent, a regular file, a directory; links and anything else refused. */
export function kindInside(root: string, rel: string): 'absent' | 'file' | 'dir' {
  const abs = insidePath(root, rel);
  const st = lstatOrNull(abs);
  if (st === null) return 'absent';
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  throw notRegular(rel);
}

/** The text of `rel` under `root`, or null when it does not exist. Links and non-files are refused. */
export function readInside(root: string, rel: string): string | null {
  const abs = insidePath(root, rel);
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') throw symlinkRefused(rel, abs);
    throw err;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw notRegular(rel);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Write each `content` to its `path` under `root` atomically, creating folders on the way; never through a link. */
export async function writeManyInside(
  root: string,
  writes: readonly { path: string; content: string }[],
): Promise<void> {
  await atomicWriteMany(writes.map((w) => ({ path: placeInside(root, w.path), content: w.content })));
}

/** Where `rel` may be written: folders created on the way, nothing reached through a link, no non-file replaced. */
function placeInside(root: string, rel: string): string {
  const parts = segments(rel);
  checkParents(root, parts, rel);
  let dir = root;
  for (const p of parts.slice(0, -1)) {
    dir = join(dir, p);
    if (lstatOrNull(dir) === null) mkdirSync(dir);
  }
  const abs = join(dir, parts.at(-1)!);
  const st = lstatOrNull(abs);
  if (st?.isSymbolicLink()) throw symlinkRefused(rel, abs);
  if (st && !st.isFile()) throw notRegular(rel);
  // rename(2) replaces the directory entry, so even a link swapped in now is replaced, not followed.
  return abs;
}

/** Remove `rel` if it is a regular file inside `root`; absent is fine. */
export function removeInside(root: string, rel: string): void {
  const abs = insidePath(root, rel);
  try {
    unlinkSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * At most the last `maxBytes` of a file that must be a regular file (a job's
 * output log): opened without following a link and without blocking, so a
 * FIFO or a device put in its place is skipped instead of hanging the reader.
 * Null when the path is absent or is not a regular file.
 */
export function readRegularTail(
  path: string,
  maxBytes: number,
): { text: string; size: number; mtimeMs: number; truncated: boolean } | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return null;
    const start = Math.max(0, st.size - maxBytes);
    const buf = Buffer.allocUnsafe(st.size - start);
    let read = 0;
    while (read < buf.length) {
      const n = readSync(fd, buf, read, buf.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return { text: buf.toString('utf8', 0, read), size: st.size, mtimeMs: st.mtimeMs, truncated: start > 0 };
  } finally {
    closeSync(fd);
  }
}

/**
 * This clone's own state folder (`.git/runlog/…`): created when missing
 * (private to the user), refused when something else sits at that path.
 */
export function privateDir(path: string): string {
  const st = lstatOrNull(path);
  if (st === null) {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    return path;
  }
  if (st.isDirectory()) return path;
  throw failed(
    'LOCAL_STATE_UNUSABLE',
    `${path} is not a folder (${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}); runlog keeps this clone's lock, journal and job records there`,
    `move it away (\`mv ${path} ${path}.bak\`) and run the command again; runlog recreates the folder`,
    { details: { path } },
  );
}
