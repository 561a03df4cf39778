/**
 * SIGKILL an `append` at random points of its life: the repository stays
 * sound, the next command recovers (lock and half-done transaction), and no
 * entry is ever half-written.
 */
import { existsSync, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseStatusLine } from '../../src/markdown/status-line.js';
import { fileAt, git, makeLedger, newRun, runlog, spawnRunlog, tryGit, type TempLedger } from '../support/ledger.js';

const RANDOM_TRIALS = 20;
const TARGETED_TRIALS = 6;

/** The `## Status` list items of a run log. */
function statusLines(text: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === '## Status');
  expect(start, 'the run log has a ## Status section').toBeGreaterThanOrEqual(0);
  const out: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.startsWith('## ')) break;
    if (l.trim() !== '') out.push(l);
  }
  return out;
}

/** Every entry runlog writes is one complete, dated line. */
function expectWholeEntries(text: string): string[] {
  const lines = statusLines(text);
  for (const [i, l] of lines.entries()) {
    const e = parseStatusLine(l, i + 1);
    expect(e && !e.continuation && e.at !== null, `status line parses: ${JSON.stringify(l)}`).toBe(true);
  }
  return lines.map((l) => parseStatusLine(l, 0)!.message);
}

async function expectFsckClean(dir: string): Promise<void> {
  const r = await tryGit(dir, ['fsck', '--no-dangling', '--no-progress', '--strict']);
  expect(r.err.replace(/^warning: .*\n?/gm, ''), 'git fsck').toBe('');
  expect(r.ok).toBe(true);
}

describe('an append killed at any point', () => {
  let l: TempLedger;
  let run: string;
  let path: string;
  const stats = {
    trials: 0,
    killedBeforeExit: 0,
    lockLeft: 0,
    journalLeft: 0,
    committedButNotPushed: 0,
    entryLanded: 0,
    recoverMsMax: 0,
  };

  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-crash-' });
    run = await newRun(l.main, 'train');
    path = `run_logs/${run}.md`;
  });

  afterAll(() => {
    l?.cleanup();
    process.stderr.write(`crash trials: ${JSON.stringify(stats)}\n`);
  });

  async function trial(
    i: number,
    kill: (child: ReturnType<typeof spawnRunlog>['child']) => Promise<void>,
  ): Promise<void> {
    stats.trials++;
    const beforeHead = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    const before = readFileSync(join(l.main, path), 'utf8');
    const msg = `crash-${i}`;
    const { child, exited } = spawnRunlog(l.main, ['append', run, msg, '--step', String(i)]);
    await kill(child);
    const end = await exited;
    if (end.signal === 'SIGKILL') stats.killedBeforeExit++;
    else expect(end.code, end.stderr).toBe(0);

    const lockDir = join(l.main, '.git', 'runlog', 'ledger.lock');
    if (existsSync(lockDir)) stats.lockLeft++;
    if (existsSync(join(l.main, '.git', 'runlog', 'journal.json'))) stats.journalLeft++;

    // Right after the kill: the file is the old one or the old one plus one whole entry.
    const now = readFileSync(join(l.main, path), 'utf8');
    const nowMessages = expectWholeEntries(now);
    if (now !== before) {
      expect(now.startsWith(before.slice(0, before.lastIndexOf('\n## Status')))).toBe(true);
      expect(nowMessages.filter((m) => m === msg)).toHaveLength(1);
    }
    await expectFsckClean(l.main);
    const headAfterKill = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    if (headAfterKill !== beforeHead && (await git(l.remote, ['rev-parse', 'main'])).trim() !== headAfterKill)
      stats.committedButNotPushed++;

    // The next command recovers whatever was left and succeeds.
    const t0 = Date.now();
    const next = await runlog(l.main, ['append', run, `after-${i}`, '--json'], { timeoutMs: 60_000 });
    stats.recoverMsMax = Math.max(stats.recoverMsMax, Date.now() - t0);
    expect(next.code, next.stdout + next.stderr).toBe(0);
    expect((next.json as { pushed: boolean }).pushed).toBe(true);

    await expectFsckClean(l.main);
    expect((await git(l.main, ['status', '--porcelain', '--untracked-files=all'])).trim()).toBe('');
    const head = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    expect(head).toBe((await git(l.remote, ['rev-parse', 'main'])).trim());
    const committed = (await fileAt(l.main, 'HEAD', path))!;
    expect(readFileSync(join(l.main, path), 'utf8')).toBe(committed);
    const messages = expectWholeEntries(committed);
    // The killed entry landed whole (once, before the next one) or not at all.
    const landed = messages.filter((m) => m === msg).length;
    expect(landed).toBeLessThanOrEqual(1);
    if (landed === 1) {
      stats.entryLanded++;
      expect(messages.indexOf(msg)).toBeLessThan(messages.indexOf(`after-${i}`));
    }
    expect(messages.at(-1)).toBe(`after-${i}`);
    // Nothing the kill interrupted is left half-done for later commands.
    expect(existsSync(join(l.main, '.git', 'runlog', 'journal.json'))).toBe(false);
    expect(existsSync(join(l.main, '.git', 'index.lock'))).toBe(false);
  }

  /** How many trials of `body` the kill really interrupted (a kill after the command exited tests nothing). */
  async function landed(body: () => Promise<void>): Promise<{ killed: number; lockLeft: number; journalLeft: number }> {
    const before = { ...stats };
    await body();
    return {
      killed: stats.killedBeforeExit - before.killedBeforeExit,
      lockLeft: stats.lockLeft - before.lockLeft,
      journalLeft: stats.journalLeft - before.journalLeft,
    };
  }

  it(`${RANDOM_TRIALS} kills at a random 0-150 ms after spawn`, async () => {
    const hit = await landed(async () => {
      for (let i = 0; i < RANDOM_TRIALS; i++) {
        await trial(i, async (child) => {
          await new Promise((r) => setTimeout(r, Math.random() * 150));
          child.kill('SIGKILL');
        });
      }
    });
    expect(hit.killed, 'no kill landed before the command exited').toBeGreaterThan(0);
  }, 600_000);

  /** Kill `delayMs()` after `name` appears in .git/runlog/ (or let the command finish if it never does). */
  function killAfter(name: string, delayMs: () => number) {
    const runlogDir = join(l.main, '.git', 'runlog');
    return (child: ReturnType<typeof spawnRunlog>['child']) =>
      new Promise<void>((resolve) => {
        const w = watch(runlogDir, (_event, file) => {
          if (file !== name) return;
          w.close();
          setTimeout(() => {
            child.kill('SIGKILL');
            resolve();
          }, delayMs());
        });
        child.on('exit', () => {
          w.close();
          resolve();
        });
      });
  }

  it(`${TARGETED_TRIALS} kills while the lock is held: anywhere from sync to push`, async () => {
    const hit = await landed(async () => {
      for (let i = 0; i < TARGETED_TRIALS; i++)
        await trial(
          100 + i,
          killAfter('ledger.lock', () => Math.random() * 120),
        );
    });
    // A kill that left the lock behind landed while the lock was held: the window this test is about.
    expect(hit.lockLeft, 'no kill landed while the lock was held').toBeGreaterThan(0);
  }, 600_000);

  it(`${TARGETED_TRIALS} kills in the write-and-commit window (after the journal is written)`, async () => {
    const hit = await landed(async () => {
      for (let i = 0; i < TARGETED_TRIALS; i++)
        await trial(
          200 + i,
          killAfter('journal.json', () => Math.random() * 15),
        );
    });
    // A journal left behind means the kill landed between writing the files and finishing the commit.
    expect(hit.journalLeft, 'no kill landed inside the write-and-commit window').toBeGreaterThan(0);
  }, 600_000);
});
