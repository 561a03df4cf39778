/**
 * The ledger lock: one writer per clone at a time.
 *
 * The lock is a directory (mkdir is atomic) holding `owner.json`: the pid,
 * the machine it runs on and the git processes it started. A lock whose
 * owner died on this machine is taken over as soon as those git processes
 * are gone too (a SIGKILLed or OOM-killed command must not stall the next
 * one, and its orphaned `git commit` must not race the next command).
 * Otherwise the holder keeps the directory's mtime fresh, and a lock not
 * refreshed for `STALE_MS` (an owner on another machine that died, or one
 * that hung) is taken over. Takeovers are serialised through a
 * second, short-lived directory so two waiters never break the same lock and
 * then each other's.
 */
import {
  type Stats,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { privateDir } from '../core/confined-fs.js';
import { failed, type RunlogError } from '../core/errors.js';
import { currentBootId, pidNamespace, processAlive } from '../core/proc.js';
import { watchGitChildren } from './git.js';
import { sleep } from '../core/backoff.js';

const STALE_MS = 4_000;
const REFRESH_MS = STALE_MS / 4;
/** A waiter breaking a lock holds the break directory for microseconds. */
const BREAK_STALE_MS = 2_000;

interface Owner {
  pid: number;
  /** Machine, boot and pid namespace: a pid means something only where all three match. */
  host: string;
  token: string;
  /** git processes the holder started that may still run (they outlive a killed holder). */
  children: number[];
  /** Set while a git process is being started and its pid is not recorded yet. */
  spawning: boolean;
}

let hostKeyCache: string | undefined;

/** This machine, boot and pid namespace: where a pid names one process. */
export function hostKey(): string {
  hostKeyCache ??= [hostname(), currentBootId() ?? '', pidNamespace() ?? ''].join('|');
  return hostKeyCache;
}

function readOwner(lockDir: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(join(lockDir, 'owner.json'), 'utf8')) as Owner;
    return typeof o.pid === 'number' &&
      typeof o.host === 'string' &&
      typeof o.token === 'string' &&
      Array.isArray(o.children)
      ? o
      : null;
  } catch {
    return null;
  }
}

function errCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/** Why the lock at `lockDir` may be taken over, or null while its holder is alive. */
function abandoned(lockDir: string): { ino: number; why: string } | null {
  let st: Stats;
  try {
    st = statSync(lockDir);
  } catch (err) {
    if (errCode(err) === 'ENOENT') return null;
    throw err;
  }
  const owner = readOwner(lockDir);
  if (
    owner &&
    owner.host === hostKey() &&
    owner.pid !== process.pid &&
    !processAlive(owner.pid) &&
    !owner.spawning &&
    !owner.children.some(processAlive)
  ) {
    return { ino: st.ino, why: `its owner (pid ${owner.pid}) and its git processes are gone` };
  }
  if (Date.now() - st.mtimeMs > STALE_MS) return { ino: st.ino, why: `not refreshed for over ${STALE_MS / 1000} s` };
  return null;
}

/** Remove an abandoned lock, unless another waiter is doing so; true when it was removed. */
function breakAbandoned(lockDir: string): boolean {
  if (!abandoned(lockDir)) return false;
  const breakDir = `${lockDir}.break`;
  try {
    mkdirSync(breakDir);
  } catch (err) {
    if (errCode(err) !== 'EEXIST') throw err;
    try {
      // A waiter killed while breaking left this behind.
      if (Date.now() - statSync(breakDir).mtimeMs > BREAK_STALE_MS) rmdirSync(breakDir);
    } catch {
      // someone else removed it first
    }
    return false;
  }
  try {
    // Judge again while holding the break directory: the lock seen before may have been replaced.
    const verdict = abandoned(lockDir);
    if (!verdict) return false;
    const trash = `${lockDir}.stale-${uniqueToken()}`;
    renameSync(lockDir, trash);
    rmSync(trash, { recursive: true, force: true });
    return true;
  } catch (err) {
    if (errCode(err) === 'ENOENT') return true;
    throw err;
  } finally {
    try {
      rmdirSync(breakDir);
    } catch {
      // already gone
    }
  }
}

/**
 * A name no other process on any machine will pick: the pid with the start time and a random part.
 * Not from node:crypto, whose load costs ~10 ms of CPU on every append (measured with --cpu-prof).
 */
function uniqueToken(): string {
  return `${process.pid.toString(36)}${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

function tryCreate(lockDir: string): Owner | null {
  try {
    mkdirSync(lockDir);
  } catch (err) {
    if (errCode(err) === 'EEXIST') return null;
    throw err;
  }
  const owner: Owner = { pid: process.pid, host: hostKey(), token: uniqueToken(), children: [], spawning: false };
  writeOwner(lockDir, owner);
  return owner;
}

function writeOwner(lockDir: string, owner: Owner): void {
  const tmp = join(lockDir, `.owner.${owner.token}`);
  writeFileSync(tmp, JSON.stringify(owner));
  renameSync(tmp, join(lockDir, 'owner.json'));
}

/** A held ledger lock. */
export interface LedgerLock {
  /** Throws LOCK_COMPROMISED (saying what `landed`) once another process has taken the lock over. */
  check(landed?: Landed): void;
  release(): Promise<void>;
}

/** What a command had already done when it learnt it lost the lock. */
export interface Landed {
  commit: string | null;
  subject?: string;
  pushed?: boolean;
}

export async function acquireLedgerLock(gitDir: string, opts: { waitMs?: number } = {}): Promise<LedgerLock> {
  const dir = privateDir(join(gitDir, 'runlog'));
  const lockDir = join(dir, 'ledger.lock');
  const waitMs = opts.waitMs ?? 120_000;
  const started = Date.now();
  for (;;) {
    const owner = tryCreate(lockDir);
    if (owner) return hold(lockDir, owner);
    if (breakAbandoned(lockDir)) continue;
    if (Date.now() - started > waitMs) {
      const holder = readOwner(lockDir);
      throw failed(
        'LEDGER_LOCKED',
        `another runlog command${holder ? ` (pid ${holder.pid})` : ''} has held the ledger lock for over ${Math.round(waitMs / 1000)} s`,
        `wait for it to finish; a lock whose owner died is recovered at once, one from another machine after ${STALE_MS / 1000} s (${lockDir})`,
      );
    }
    await sleep(10 + Math.random() * 40);
  }
}

/**
 * Keep the lock fresh while held. Losing it (this process was paused past
 * STALE_MS and another took over) is noted, not acted on here: the command
 * stops at its next step and says what it had already committed, because a
 * commit that landed must never be made again by a re-run.
 */
function hold(lockDir: string, owner: Owner): LedgerLock {
  let lostTo: Owner | null | undefined;
  const refresh = setInterval(() => {
    const now = readOwner(lockDir);
    if (now?.token !== owner.token) {
      lostTo = now;
      clearInterval(refresh);
      return;
    }
    const t = new Date();
    try {
      utimesSync(lockDir, t, t);
    } catch {
      // the next tick sees the loss through owner.json
    }
  }, REFRESH_MS);
  refresh.unref();
  const live = new Set<number>();
  let spawning = 0;
  const record = () => {
    try {
      writeOwner(lockDir, { ...owner, children: [...live], spawning: spawning > 0 });
    } catch {
      // the lock is gone; the refresh tick reports it
    }
  };
  const unwatch = watchGitChildren({
    starting: () => {
      spawning++;
      record();
    },
    started: (pid) => {
      spawning--;
      if (pid !== undefined) live.add(pid);
      record();
    },
    // No write: a finished child reads as dead to a waiter anyway.
    ended: (pid) => live.delete(pid),
  });
  let released = false;
  const check = (landed: Landed = { commit: null }) => {
    if (lostTo === undefined && readOwner(lockDir)?.token === owner.token) return;
    throw compromised(lockDir, lostTo ?? readOwner(lockDir), landed);
  };
  const release = async () => {
    if (released) return;
    released = true;
    clearInterval(refresh);
    unwatch();
    if (readOwner(lockDir)?.token !== owner.token) return;
    const trash = `${lockDir}.released-${owner.token}`;
    try {
      renameSync(lockDir, trash);
      rmSync(trash, { recursive: true, force: true });
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw err;
    }
  };
  return { check, release };
}

function compromised(lockDir: string, by: Owner | null, landed: Landed): RunlogError {
  const who = by ? `another runlog command (pid ${by.pid})` : 'another process';
  if (landed.commit) {
    const what = `${landed.commit.slice(0, 12)}${landed.subject ? ` (${landed.subject})` : ''}`;
    return failed(
      'LOCK_COMPROMISED',
      `${who} took the ledger lock over while this command was paused; it had already committed ${what}${landed.pushed ? ' and pushed it' : ' locally'}, and stopped there`,
      landed.pushed
        ? 'nothing is missing: do not run the command again (that would record it twice)'
        : 'the commit is kept: do not run the command again (that would record it twice); `runlog sync` pushes it',
      { details: { commit: landed.commit, pushed: landed.pushed ?? false, lock: lockDir } },
    );
  }
  return failed(
    'LOCK_COMPROMISED',
    `${who} took the ledger lock over while this command was paused, before it wrote anything`,
    'nothing was changed; run the command again',
    {
      details: { commit: null, lock: lockDir },
    },
  );
}
