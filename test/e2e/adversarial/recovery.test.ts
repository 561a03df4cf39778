/**
 * Accidents and local damage: a broken journal, a commit that fails half way,
 * someone else's index.lock, a hand-amended runlog commit, a lock taken over
 * while a command was paused. The next ordinary command recovers or says
 * exactly what to do, with its own code, and nothing is lost or duplicated.
 *
 * The accidents that leave the ledger whole afterwards share one arena (a
 * test that damages something puts it back), so the suite pays for one
 * set-up per group, not per case.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { git, spawnRunlog, testEnv, waitFor } from '../../support/ledger.js';
import { arena, errorCode, expectCalm, type Arena } from './support.js';

let a: Arena;
let run: string;

async function setUp(): Promise<void> {
  a = await arena();
  const r = await a.run(['new', 'train', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22', '--json']);
  run = (r.json as { id: string }).id;
}

/** One arena for every test of the describe block this is called in. */
function sharedArena(): void {
  beforeAll(setUp);
  afterAll(() => a.cleanup());
}

/** A fresh arena for each test of the describe block this is called in. */
function freshArena(): void {
  beforeEach(setUp);
  afterEach(() => a.cleanup());
}

const journal = () => join(a.victim, '.git', 'runlog', 'journal.json');

async function entries(text: string, ref = 'HEAD', dir = a.victim): Promise<number> {
  const doc = await git(dir, ['show', `${ref}:run_logs/${run}.md`]);
  return doc.split(text).length - 1;
}

describe('a journal that is not what runlog wrote never wedges the ledger', () => {
  sharedArena();
  for (const [name, content] of [
    ['{}', '{}'],
    ['null', 'null'],
    ['[]', '[]'],
    ['garbage', '\u0000\u0001 not json'],
    ['wrong types', '{"head": 5, "paths": "run_logs", "created": {}}'],
    ['a path outside', '{"head": null, "paths": ["../outside/netrc"], "created": ["../outside/netrc"]}'],
  ] as const) {
    it(`journal.json = ${name}`, async () => {
      writeFileSync(journal(), content);
      const r = await a.run(['append', run, `after a ${name} journal`]);
      expectCalm(r, 'append');
      expect(r.code).toBe(0);
      expect(existsSync(journal())).toBe(false);
      expect(await entries(`after a ${name} journal`)).toBe(1);
      expect(readFileSync(a.privateFile, 'utf8')).toBe(a.privateText);
    });
  }
});

describe('a commit that fails leaves nothing half done', () => {
  sharedArena();
  it('no git identity: GIT_IDENTITY_MISSING, the hand-kept untracked file is untouched, and the next command works', async () => {
    const hand = join(a.victim, 'run_logs', '2026-03-20_hand.md');
    const text = (await git(a.victim, ['show', `HEAD:run_logs/${run}.md`])).replace(
      `id: ${run}`,
      'id: 2026-03-20_hand',
    );
    writeFileSync(hand, text);
    await git(a.victim, ['config', '--unset', 'user.name']);
    await git(a.victim, ['config', '--unset', 'user.email']);
    await git(a.victim, ['config', 'user.useConfigOnly', 'true']);
    const env = testEnv();
    const noIdentity: Record<string, string> = {
      HOME: join(a.l.base, 'empty-home'),
      GIT_AUTHOR_NAME: '',
      GIT_AUTHOR_EMAIL: '',
      GIT_COMMITTER_NAME: '',
      GIT_COMMITTER_EMAIL: '',
      EMAIL: '',
    };
    mkdirSync(noIdentity['HOME']!);
    expect(env['GIT_CONFIG_NOSYSTEM']).toBe('1');

    const before = await git(a.victim, ['rev-parse', 'HEAD']);
    for (let i = 0; i < 2; i++) {
      const r = await a.run(['append', '2026-03-20_hand', 'first entry'], { env: noIdentity });
      expectCalm(r, 'append without identity');
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('GIT_IDENTITY_MISSING');
      expect(r.stderr).toMatch(/hint: .*git config/);
      expect(readFileSync(hand, 'utf8'), 'the failed command changed the hand-kept file').toBe(text);
      expect(await git(a.victim, ['rev-parse', 'HEAD'])).toBe(before);
    }

    await git(a.victim, ['config', 'user.name', 'Victim']);
    await git(a.victim, ['config', 'user.email', 'victim@runlog.invalid']);
    const ok = await a.run(['append', '2026-03-20_hand', 'first entry']);
    expectCalm(ok, 'append with identity');
    expect(ok.code).toBe(0);
    const after = readFileSync(hand, 'utf8');
    expect(after.startsWith(text.slice(0, text.indexOf('## Status')))).toBe(true);
    expect(after.split('first entry').length - 1).toBe(1);
  });

  it('someone else’s index.lock: INDEX_LOCKED, and runlog does not delete it', async () => {
    const lock = join(a.victim, '.git', 'index.lock');
    writeFileSync(lock, '');
    writeFileSync(journal(), JSON.stringify({ head: null, paths: [`run_logs/${run}.md`], created: [] }));
    const r = await a.run(['append', run, 'blocked']);
    expectCalm(r, 'append');
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('INDEX_LOCKED');
    expect(r.stderr).toMatch(/index\.lock/);
    expect(existsSync(lock), 'runlog removed a lock it did not create').toBe(true);
    rmSync(lock);
    const ok = await a.run(['append', run, 'unblocked']);
    expectCalm(ok, 'append');
    expect(ok.code).toBe(0);
    expect(await entries('unblocked')).toBe(1);
  });

  it('.git/runlog is a file: a coded error for writes, reads still work', async () => {
    rmSync(join(a.victim, '.git', 'runlog'), { recursive: true, force: true });
    writeFileSync(join(a.victim, '.git', 'runlog'), 'not a directory');
    const w = await a.run(['append', run, 'x']);
    expectCalm(w, 'append');
    expect(w.code).toBe(1);
    expect(errorCode(w)).toBe('LOCAL_STATE_UNUSABLE');
    expect(w.stderr).toContain('.git/runlog');
    for (const args of [['list'], ['show', run]]) {
      const r = await a.run(args);
      expectCalm(r, args.join(' '));
      expect(r.code).toBe(0);
    }
    // Once the file is moved away, writes work again.
    rmSync(join(a.victim, '.git', 'runlog'));
    const ok = await a.run(['append', run, 'local state back']);
    expectCalm(ok, 'append');
    expect(ok.code).toBe(0);
  });

  it('git missing from PATH: GIT_NOT_FOUND', async () => {
    const r = await a.run(['append', run, 'x'], { env: { PATH: join(a.l.base, 'no-bin') } });
    expectCalm(r, 'append');
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('GIT_NOT_FOUND');
  });

  it('a corrupted run index is rebuilt silently', async () => {
    const listed = await a.run(['list', '--json']);
    expectCalm(listed, 'list');
    const runs = (listed.json as { runs: { id: string }[] }).runs;
    expect(runs).toContainEqual(expect.objectContaining({ id: run, state: 'pending' }));
    const index = join(a.victim, '.git', 'runlog', 'run-index.tsv');
    const good = readFileSync(index, 'utf8').split('\n');
    // Lines whose path and key still match (so they would be trusted) but whose fields are garbage.
    const keep = (l: string) => l.split('\t').slice(0, 2).join('\t');
    const poisoned = [good[0], ...good.slice(1, -2).map((l) => `${keep(l)}\tf`), ...good.slice(-2)].join('\n');
    const damaged = [
      good[0],
      ...good.slice(1, -2).map((l) => `${keep(l)}\tf\t\t\t\t\t\t{not json`),
      ...good.slice(-2),
    ].join('\n');
    for (const content of [poisoned, damaged, `${good[0]}\n`, 'garbage', '']) {
      writeFileSync(index, content);
      const r = await a.run(['list', '--json']);
      expectCalm(r, 'list');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      expect((r.json as { runs: { id: string }[] }).runs).toEqual(runs);
    }
  });
});

describe('a runlog commit amended by hand', () => {
  freshArena();
  it('is never replayed over the remote: no duplicate entry, the fix is kept, the hint says how to go on', async () => {
    expectCalm(await a.run(['append', run, 'trainig started']), 'append');
    // The habit: fix the typo in the file, amend the commit runlog made (already pushed).
    const path = join(a.victim, 'run_logs', `${run}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('trainig started', 'training started'));
    await git(a.victim, ['commit', '-q', '--amend', '-a', '--no-edit']);
    const amended = (await git(a.victim, ['rev-parse', 'HEAD'])).trim();

    for (const args of [['append', run, 'second'], ['sync']]) {
      const r = await a.run(args);
      expectCalm(r, args.join(' '));
      expect(r.code, args.join(' ')).toBe(1);
      expect(errorCode(r)).toBe('HAND_EDITED_COMMIT');
      expect(r.stderr).toContain(amended.slice(0, 12));
      expect(r.stderr).toMatch(/hint: .*git /);
    }
    // Nothing duplicated on the remote, the fix is still in the branch and kept under refs/runlog/.
    expect(await entries('trainig started', 'main', a.l.remote)).toBe(1);
    expect(await entries('second', 'main', a.l.remote)).toBe(0);
    expect((await git(a.victim, ['rev-parse', 'HEAD'])).trim()).toBe(amended);
    expect(await git(a.victim, ['for-each-ref', '--format=%(objectname)', 'refs/runlog/'])).toContain(amended);

    // Following the hint: the fix goes on top of the remote as its own commit, then runlog works again.
    await git(a.victim, ['reset', '-q', '--keep', 'origin/main']);
    writeFileSync(path, readFileSync(path, 'utf8').replace('trainig started', 'training started'));
    await git(a.victim, ['commit', '-q', '-am', 'fix typo']);
    const ok = await a.run(['append', run, 'second']);
    expectCalm(ok, 'append after the fix');
    expect(ok.code).toBe(0);
    expect(await entries('training started', 'main', a.l.remote)).toBe(1);
    expect(await entries('trainig started', 'main', a.l.remote)).toBe(0);
    expect(await entries('second', 'main', a.l.remote)).toBe(1);
  });

  it('an unpushed amended commit is not replayed over a remote that moved either', async () => {
    expectCalm(await a.run(['append', run, 'offline tpyo', '--no-push']), 'append --no-push');
    const path = join(a.victim, 'run_logs', `${run}.md`);
    writeFileSync(path, readFileSync(path, 'utf8').replace('offline tpyo', 'offline typo'));
    await git(a.victim, ['commit', '-q', '--amend', '-a', '--no-edit']);
    await git(a.attacker, ['pull', '-q', 'origin', 'main']);
    await a.push({ 'notes.txt': 'a teammate moved the remote\n' });

    const r = await a.run(['sync']);
    expectCalm(r, 'sync');
    expect(errorCode(r)).toBe('HAND_EDITED_COMMIT');
    expect(r.stderr).toMatch(/git pull --rebase/);
    await git(a.victim, ['pull', '-q', '--rebase', 'origin', 'main']);
    const ok = await a.run(['sync']);
    expectCalm(ok, 'sync after the rebase');
    expect(ok.code).toBe(0);
    expect(await entries('offline typo', 'main', a.l.remote)).toBe(1);
    expect(await entries('offline tpyo', 'main', a.l.remote)).toBe(0);
  });
});

describe('a lock taken over while a command was paused', () => {
  freshArena();
  it('reports what landed and never asks to run the command again', async () => {
    // A remote that takes a while to accept a push, so the command is paused mid-push.
    const hook = join(a.l.remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\nsleep 3\n', { mode: 0o755 });
    const first = spawnRunlog(a.victim, ['append', run, 'paused entry']);
    await waitFor(() => existsSync(join(a.victim, '.git', 'runlog', 'ledger.lock')), {
      timeoutMs: 10_000,
      what: 'the first command to take the lock',
    });
    await waitFor(async () => (await git(a.victim, ['log', '-1', '--format=%s'])).includes('log status'), {
      timeoutMs: 10_000,
      what: 'the first commit',
    });
    first.child.kill('SIGSTOP');
    try {
      // A second command takes the stale lock over and finishes.
      const second = await a.run(['append', run, 'second entry'], { timeoutMs: 40_000 });
      expectCalm(second, 'second append');
    } finally {
      first.child.kill('SIGCONT');
    }
    const out = await first.exited;
    // Either it finished normally, or it says what it had committed and not to run it again.
    if (out.code !== 0) {
      expect(out.stderr).toMatch(/error\[LOCK_COMPROMISED\]: .*committed [0-9a-f]{12}/);
      expect(out.stderr).toMatch(/hint: .*do not run the command again/);
    }
    rmSync(hook);
    expectCalm(await a.run(['sync']), 'sync');
    expect(await entries('paused entry', 'main', a.l.remote)).toBe(1);
    expect(await entries('second entry', 'main', a.l.remote)).toBe(1);
  });
});
