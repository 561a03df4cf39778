import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';

// A private lock directory, so this test never waits on (or blocks) real Slurm tests.
const dir = mkdtempSync(join(tmpdir(), 'runlog-lock-test-'));
process.env.RUNLOG_SLURM_LOCK_DIR = dir;
const { acquireExclusive, acquireShared } = await import('../support/slurm-lock.js');

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settle = <T>(p: Promise<T>) => {
  const state = { done: false };
  void p.then(() => (state.done = true));
  return state;
};
const tick = (ms = 600) => new Promise((r) => setTimeout(r, ms));

describe.sequential('Slurm test lock', () => {
  it('a writer waits for readers, and readers that come later wait for the writer', async () => {
    const r1 = await acquireShared();
    const w = acquireExclusive();
    const writer = settle(w);
    await tick();
    expect(writer.done).toBe(false);
    const r2p = acquireShared();
    const reader2 = settle(r2p);
    r1();
    const releaseW = await w;
    await tick();
    expect(reader2.done).toBe(false);
    releaseW();
    (await r2p)();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a dead holder does not block: its entries are cleared', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const pid = child.pid as number;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'exclusive'), String(pid));
    writeFileSync(join(dir, `shared.${pid}.1`), String(pid));
    const r = acquireShared();
    const reader = settle(r);
    await tick();
    expect(reader.done).toBe(false);
    child.kill('SIGKILL');
    (await r)();
    (await acquireExclusive())();
    expect(existsSync(join(dir, 'exclusive'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('as a beforeEach that returns its release', () => {
    beforeEach(() => acquireShared());
    it('holds the lock during the test', () => {
      expect(readdirSync(dir).filter((n) => n.startsWith('shared.'))).toHaveLength(1);
    });
    it('released it after the previous test', () => {
      expect(readdirSync(dir).filter((n) => n.startsWith('shared.'))).toHaveLength(1);
    });
  });
});
