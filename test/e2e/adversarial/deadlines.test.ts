/**
 * Nothing waits forever: a remote whose transport never answers, a remote
 * hook that sleeps, a job that turns its output log into a FIFO. The command
 * ends by its deadline with a coded error, keeps the local commit, releases
 * the lock and leaves no process of its own behind.
 */
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../support/ledger.js';
import { arena, errorCode, expectCalm, type Arena } from './support.js';

let a: Arena;
let run: string;
/** A marker in the command line of every sleeper this file starts, so leftovers can be found. */
let marker: string;

beforeEach(async () => {
  a = await arena();
  marker = String(100_000 + Math.floor(Math.random() * 800_000));
  appendFileSync(join(a.victim, 'runlog.config.yaml'), '\ngit:\n  timeout: 3s\n');
  await git(a.victim, ['commit', '-q', '-am', 'a short git deadline']);
  await git(a.victim, ['push', '-q', 'origin', 'main']);
  const r = await a.run(['new', 'train', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22', '--json']);
  run = (r.json as { id: string }).id;
});

afterEach(() => {
  for (const pid of sleepers()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  a.cleanup();
});

/** Live processes whose command line carries this test's marker. */
function sleepers(): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (cmd.includes(marker) && !/^\d+ \(.*\) [ZX] /s.test(stat)) out.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return out;
}

async function expectKeptLocally(text: string): Promise<void> {
  const doc = await git(a.victim, ['show', `HEAD:run_logs/${run}.md`]);
  expect(doc.split(text).length - 1, 'the local commit was not kept').toBe(1);
}

describe('a remote that never answers', () => {
  it('fetch: the transport never answers (upload-pack sleeps)', async () => {
    const script = join(a.l.base, 'silent-upload-pack');
    writeFileSync(script, `#!/bin/sh\nexec sleep ${marker}\n`, { mode: 0o755 });
    await git(a.victim, ['config', 'remote.origin.uploadpack', script]);

    const r = await a.run(['append', run, 'while the remote sleeps'], { timeoutMs: 25_000 });
    expectCalm(r, 'append');
    expect(r.code).toBe(5);
    expect(['PUSH_FAILED', 'REMOTE_TIMEOUT']).toContain(errorCode(r));
    expect(r.stderr).toMatch(/3 ?s|timed out|deadline/i);
    expect(r.ms).toBeLessThan(15_000);
    await expectKeptLocally('while the remote sleeps');
    expect(sleepers(), 'the silent transport was left running').toEqual([]);

    // The lock was released: a local-only command runs at once, and sync pushes once the remote answers.
    const next = await a.run(['append', run, 'next', '--no-push']);
    expectCalm(next, 'append --no-push');
    expect(next.code).toBe(0);
    await git(a.victim, ['config', '--unset', 'remote.origin.uploadpack']);
    const sync = await a.run(['sync']);
    expectCalm(sync, 'sync');
    expect(sync.code).toBe(0);
    const remote = await git(a.l.remote, ['show', `main:run_logs/${run}.md`]);
    expect(remote).toContain('while the remote sleeps');
    expect(remote).toContain('next');
  });

  it('push: a pre-receive hook that sleeps', async () => {
    const hook = join(a.l.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/bin/sh\nexec sleep ${marker}\n`, { mode: 0o755 });

    const r = await a.run(['append', run, 'while the hook sleeps'], { timeoutMs: 25_000 });
    expectCalm(r, 'append');
    expect(r.code).toBe(5);
    expect(['PUSH_FAILED', 'REMOTE_TIMEOUT']).toContain(errorCode(r));
    expect(r.ms).toBeLessThan(15_000);
    await expectKeptLocally('while the hook sleeps');

    rmSync(hook);
    const sync = await a.run(['sync']);
    expectCalm(sync, 'sync');
    expect(sync.code).toBe(0);
    expect(await git(a.l.remote, ['show', `main:run_logs/${run}.md`])).toContain('while the hook sleeps');
  });
});

describe('a job that turns its output log into a FIFO', () => {
  it('poll and show do not hang on it', async () => {
    const script =
      'rm -f "$RUNLOG_OUTPUT_DIR/output.log"; mkfifo "$RUNLOG_OUTPUT_DIR/output.log"; echo fifo-ready > "$RUNLOG_OUTPUT_DIR/ready"; exec sleep ' +
      marker;
    const sub = await a.run(['submit', run, '--allow-dirty', '--json', '--', 'sh', '-c', script]);
    expectCalm(sub, 'submit');
    expect(sub.code).toBe(0);
    const outputDir = (sub.json as { outputDir: string }).outputDir;
    const { waitFor } = await import('../../support/ledger.js');
    await waitFor(() => readdirSync(outputDir).includes('ready'), {
      timeoutMs: 10_000,
      what: 'the job to make its FIFO',
    });

    for (const args of [['poll'], ['show', run], ['list']]) {
      const r = await a.run(args, { timeoutMs: 20_000 });
      expectCalm(r, args.join(' '));
      expect(r.code, args.join(' ')).toBe(0);
    }
    const stop = await a.run(['stop', run, '--grace', '1s']);
    expectCalm(stop, 'stop');
    expect(stop.code).toBe(0);
  });
});
