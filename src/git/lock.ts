/**
 * The ledger lock: one writer per clone at a time. proper-lockfile keeps the
 * lock's mtime fresh while we hold it, so a lock left by a killed process goes
 * stale within `STALE_MS` and the next command takes it over.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { failed } from '../errors.js';

const STALE_MS = 4_000;

export async function acquireLedgerLock(gitDir: string, opts: { waitMs?: number } = {}): Promise<() => Promise<void>> {
  const dir = join(gitDir, 'runlog');
  mkdirSync(dir, { recursive: true });
  const waitMs = opts.waitMs ?? 120_000;
  const started = Date.now();
  for (;;) {
    try {
      return await lockfile.lock(dir, {
        stale: STALE_MS,
        update: STALE_MS / 4,
        realpath: false,
        lockfilePath: join(dir, 'ledger.lock'),
        onCompromised: (err) => {
          // Another process took the lock over: continuing could interleave two writers.
          process.stderr.write(`error[LOCK_COMPROMISED]: ${err.message}\nhint: run the command again\n`);
          process.exit(1);
        },
      });
    } catch (err) {
      if ((err as { code?: string }).code !== 'ELOCKED') throw err;
      if (Date.now() - started > waitMs) {
        throw failed('LEDGER_LOCKED', `another runlog command has held the ledger lock for over ${Math.round(waitMs / 1000)} s`, `wait for it to finish; a lock left by a killed process is recovered after ${STALE_MS / 1000} s`);
      }
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 60));
    }
  }
}
