/**
 * The push queue: writers on one machine that push to the same remote branch
 * take turns at fetch → commit → push, first come first served, instead of
 * racing.
 *
 * Git's ref update is a compare-and-swap, so racing is safe (a loser fetches,
 * replays and pushes again) but wasteful: measured with 32 clones appending
 * at once on a 2-core machine, every losing round of fetch + replay + push
 * cost CPU the winner needed, 53 of 96 appends ran out of push patience
 * (exit 5) and the whole took 3.7x the same appends done serially. Taking
 * turns, a push is rejected only by writers on other machines.
 *
 * The queue is a directory of tickets named by the time they were taken; the
 * turn belongs to the oldest live one. Waiters wake on the directory's change
 * (inotify through fs.watch) rather than polling. It is only an optimisation,
 * never needed for correctness: a writer that cannot use it (no private temp
 * dir) or whose turn is held by a writer stuck past HOLDER_STUCK_MS goes on
 * and races as before. It lives in the user's own temp dir, so separate users
 * and machines never share one.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  watch,
  writeFileSync,
  type FSWatcher,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { processAlive } from '../core/proc.js';
import { hostKey } from './lock.js';

/** The holder touches its ticket this often; a first ticket neither moved nor touched for HOLDER_STUCK_MS is passed by. */
const REFRESH_MS = 1_000;
const HOLDER_STUCK_MS = 20_000;
/** fs.watch wakes a waiter at once; this is the fallback when an event is missed or watching is unsupported. */
const RECHECK_MS = 250;

interface Ticket {
  pid: number;
  host: string;
}

/**
 * Wait for this machine's turn to push `branch` to `url` (as `git remote
 * get-url` gives it, resolved from `root`); the returned function ends the turn.
 */
export async function takePushTurn(url: string, branch: string, root: string): Promise<() => void> {
  const dir = queueDir(
    createHash('sha256')
      .update(`${remoteKey(url, root)}\0${branch}`)
      .digest('hex')
      .slice(0, 24),
  );
  if (!dir) return () => {};
  const me = `${String(Date.now()).padStart(15, '0')}-${String(process.pid).padStart(10, '0')}-${randomBytes(3).toString('hex')}`;
  const tmp = join(dir, `.${me}`);
  try {
    writeFileSync(tmp, JSON.stringify({ pid: process.pid, host: hostKey() } satisfies Ticket));
    renameSync(tmp, join(dir, me));
  } catch {
    return () => {};
  }
  let wakeUp: (() => void) | null = null;
  const watcher = watchDir(dir, () => wakeUp?.());
  try {
    let head = '';
    let headSince = 0;
    for (;;) {
      const ahead = ticketsAhead(dir, me);
      if (ahead === null) return () => {}; // our ticket was passed by as stuck: go on without a turn
      const first = ahead.find((t) => !gone(dir, t));
      if (first === undefined) return hold(dir, me);
      if (first !== head) [head, headSince] = [first, Date.now()];
      else if (Date.now() - headSince > HOLDER_STUCK_MS && untouchedFor(dir, first) > HOLDER_STUCK_MS) {
        remove(dir, first);
        continue;
      }
      await new Promise<void>((done) => {
        const timer = setTimeout(wake, RECHECK_MS);
        function wake() {
          clearTimeout(timer);
          wakeUp = null;
          done();
        }
        wakeUp = wake;
      });
    }
  } finally {
    watcher?.close();
  }
}

/** `$TMPDIR/runlog-<uid>-push/<key>`, private to this user; null when it is not (then there is no queue). */
function queueDir(key: string): string | null {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const top = join(tmpdir(), `runlog-${uid}-push`);
  try {
    mkdirSync(top, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    // Someone else's directory (or a link to one) under a shared /tmp is not ours to trust.
    const st = lstatSync(top);
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return null;
    mkdirSync(join(top, key), { recursive: true });
    return join(top, key);
  } catch {
    return null;
  }
}

/** A local path names one repository however it is spelled; URLs are taken as they are. */
function remoteKey(url: string, root: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) return url;
  if (!url.startsWith('file://') && !isAbsolute(url) && /^[^/]+:/.test(url)) return url; // scp-like host:path
  const path = resolve(root, url.replace(/^file:\/\//, ''));
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** Tickets older than `me`, oldest first; null when `me` is no longer there. */
function ticketsAhead(dir: string, me: string): string[] | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    return null;
  }
  if (!names.includes(me)) return null;
  return names.sort().filter((n) => n < me);
}

/** Whether ticket `name` is void (its writer died on this machine, or it is unreadable); a void ticket is removed. */
function gone(dir: string, name: string): boolean {
  let t: Ticket;
  try {
    t = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Ticket;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    remove(dir, name);
    return true;
  }
  if (t.host === hostKey() && t.pid !== process.pid && !processAlive(t.pid)) {
    remove(dir, name);
    return true;
  }
  return false;
}

function untouchedFor(dir: string, name: string): number {
  try {
    return Date.now() - statSync(join(dir, name)).mtimeMs;
  } catch {
    return 0;
  }
}

function remove(dir: string, name: string): void {
  try {
    unlinkSync(join(dir, name));
  } catch {
    // another waiter removed it first
  }
}

function watchDir(dir: string, onChange: () => void): FSWatcher | null {
  try {
    const w = watch(dir, { persistent: false }, onChange);
    w.on('error', () => {});
    return w;
  } catch {
    return null;
  }
}

function hold(dir: string, me: string): () => void {
  const file = join(dir, me);
  const touch = () => {
    const t = new Date();
    try {
      utimesSync(file, t, t);
    } catch {
      // passed by as stuck: the push still works, it only races
    }
  };
  touch();
  const refresh = setInterval(touch, REFRESH_MS);
  refresh.unref();
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    clearInterval(refresh);
    remove(dir, me);
  };
}
