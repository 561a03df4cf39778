/**
 * A cross-file readers/writer lock for the one shared Slurm. vitest runs test
 * files in parallel processes; a test that stops slurmctld or slurmd (or
 * restarts Slurm without accounting) breaks every other Slurm test running
 * at that moment. Job tests hold the lock shared, fault tests exclusive.
 *
 * Files under a directory in /tmp: `exclusive` (created with O_EXCL, holds
 * the owner's pid) and one `shared.<pid>.<n>` per shared holder. A waiting
 * writer blocks new readers, so fault tests are not starved. Entries whose
 * pid is dead (a crashed test process) are removed.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LOCK_DIR = process.env.RUNLOG_SLURM_LOCK_DIR ?? join(tmpdir(), 'runlog-slurm-test-lock');
const DIR = LOCK_DIR;
const EXCLUSIVE = join(DIR, 'exclusive');
const POLL_MS = 200;

let serial = 0;

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readPid(path: string): number | undefined {
  try {
    return Number(readFileSync(path, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** True when a live process holds or waits for the exclusive lock; a dead owner's file is removed. */
function exclusiveTaken(): boolean {
  const pid = readPid(EXCLUSIVE);
  if (pid === undefined) return false;
  if (alive(pid)) return true;
  rmSync(EXCLUSIVE, { force: true });
  return false;
}

function liveReaders(): string[] {
  const names: string[] = [];
  for (const name of readdirSync(DIR)) {
    const m = /^shared\.(\d+)\.\d+$/.exec(name);
    if (!m) continue;
    if (alive(Number(m[1]))) names.push(name);
    else rmSync(join(DIR, name), { force: true });
  }
  return names;
}

const pause = () => new Promise((r) => setTimeout(r, POLL_MS));

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end)
      throw new Error(`Slurm test lock: timed out after ${timeoutMs} ms waiting for ${what} (${DIR})`);
    await pause();
  }
}

export type Release = () => void;

/** Hold while using Slurm normally (submitting, polling); waits while a fault test runs. */
export async function acquireShared(timeoutMs = 900_000): Promise<Release> {
  mkdirSync(DIR, { recursive: true });
  const end = Date.now() + timeoutMs;
  for (;;) {
    await until('a fault test to finish', () => !exclusiveTaken(), Math.max(1, end - Date.now()));
    serial += 1;
    const mine = join(DIR, `shared.${process.pid}.${serial}`);
    writeFileSync(mine, String(process.pid));
    // A writer may have arrived between the check and the write: let it go first.
    if (!exclusiveTaken()) return () => rmSync(mine, { force: true });
    rmSync(mine, { force: true });
  }
}

/** Hold while breaking Slurm (stopping daemons, reconfiguring); waits for every shared holder to leave. */
export async function acquireExclusive(timeoutMs = 900_000): Promise<Release> {
  mkdirSync(DIR, { recursive: true });
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(EXCLUSIVE, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await until('another fault test to finish', () => !exclusiveTaken(), Math.max(1, end - Date.now()));
    }
  }
  const release = () => {
    if (readPid(EXCLUSIVE) === process.pid) rmSync(EXCLUSIVE, { force: true });
  };
  try {
    await until('running Slurm job tests to finish', () => liveReaders().length === 0, Math.max(1, end - Date.now()));
  } catch (err) {
    release();
    throw err;
  }
  return release;
}

/** Run `fn` holding the lock in the given mode. */
export async function withSlurmLock<T>(mode: 'shared' | 'exclusive', fn: () => Promise<T>): Promise<T> {
  const release = await (mode === 'shared' ? acquireShared() : acquireExclusive());
  try {
    return await fn();
  } finally {
    release();
  }
}
