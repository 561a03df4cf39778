/**
 * The remote goes away: the commit is kept locally and the command says so
 * (exit 5, PUSH_FAILED, a hint naming `runlog sync`); when the remote is
 * back, `runlog sync` pushes, replaying onto whatever the remote gained.
 */
import { renameSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendOutput, ErrorOutput, ShowOutput, SyncOutput } from '../../src/schemas/output.js';
import {
  git,
  logSubjects,
  makeLedger,
  mergeCommits,
  newRun,
  runlog,
  runlogOk,
  stderrError,
  type TempLedger,
} from '../support/ledger.js';

describe('offline remote', () => {
  let l: TempLedger;
  let run: string;
  const away = () => renameSync(l.remote, `${l.remote}.away`);
  const back = () => renameSync(`${l.remote}.away`, l.remote);
  const remoteHead = async () => (await git(l.remote, ['rev-parse', 'main'])).trim();

  beforeEach(async () => {
    l = await makeLedger({ clones: 2, prefix: 'runlog-offline-' });
    run = await newRun(l.main, 'train');
    await git(l.clones[1]!, ['pull', '-q', '--ff-only']);
  });
  afterEach(() => l.cleanup());

  it('append exits 5 with PUSH_FAILED and a sync hint, keeps the commit, and `runlog sync` pushes it later', async () => {
    const before = await remoteHead();
    away();
    const r = await runlog(l.main, ['append', run, 'written offline', '--state', 'running']);
    expect(r.code).toBe(5);
    const err = stderrError(r.stderr);
    expect(err?.code).toBe('PUSH_FAILED');
    expect(err?.hint).toMatch(/runlog sync/);
    expect(r.stdout).not.toMatch(/error\[/);
    // The commit is there, complete, and not on the remote.
    expect((await logSubjects(l.main)).at(-1)).toBe(`${run}: log status (running)`);
    expect((await git(l.main, ['status', '--porcelain'])).trim()).toBe('');

    const j = await runlog(l.main, ['append', run, 'second offline', '--json']);
    expect(j.code).toBe(5);
    const out = AppendOutput.parse(j.json);
    expect(out.pushed).toBe(false);
    expect(out.commit).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
    // A push failure is the result document with the error beside it, not an error document.
    expect(out.error).toMatchObject({ code: 'PUSH_FAILED', hint: expect.stringMatching(/runlog sync/) });
    expect(ErrorOutput.safeParse(j.json).success).toBe(false);

    const stillOffline = await runlog(l.main, ['sync', '--json']);
    expect(stillOffline.code).toBe(5);
    expect(SyncOutput.parse(stillOffline.json)).toMatchObject({
      pushed: 0,
      pending: 2,
      error: { code: 'PUSH_FAILED' },
    });

    back();
    expect(await remoteHead()).toBe(before);
    const s = await runlogOk(l.main, ['sync', '--json']);
    expect(SyncOutput.parse(s.json)).toMatchObject({ pushed: 2, pending: 0, replayed: 0 });
    expect(await remoteHead()).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
    const again = await runlogOk(l.main, ['sync', '--json']);
    expect(SyncOutput.parse(again.json)).toMatchObject({ pushed: 0, pending: 0 });
  });

  it('an offline commit is replayed after what another clone pushed meanwhile, never merged', async () => {
    away();
    const offline = await runlog(l.main, ['append', run, 'offline entry', '--step', '10']);
    expect(offline.code).toBe(5);
    const offlineCommit = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    back();
    await runlogOk(l.clones[1]!, ['append', run, 'other clone entry', '--step', '5']);

    const s = await runlogOk(l.main, ['sync', '--json']);
    expect(SyncOutput.parse(s.json)).toMatchObject({ pushed: 1, pending: 0, replayed: 1 });

    expect(await mergeCommits(l.remote, 'main')).toEqual([]);
    const head = await remoteHead();
    expect(head).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
    // Replayed, so a new commit on top of the other clone's; the subject is the operation's.
    expect(head).not.toBe(offlineCommit);
    expect((await logSubjects(l.remote, 'main')).slice(-2)).toEqual([`${run}: log status`, `${run}: log status`]);
    expect(await git(l.remote, ['log', '-1', '--format=%B', 'main'])).toMatch(/^Runlog-Op: .*"offline entry"/m);

    const fresh = await l.clone('verify');
    const shown = ShowOutput.parse((await runlogOk(fresh, ['show', run, '--json'])).json);
    const messages = shown.status.map((e) => e.message);
    expect(messages.filter((m) => m === 'other clone entry' || m === 'offline entry')).toEqual([
      'other clone entry',
      'offline entry',
    ]);
    // The old, unreplayed commit is not left behind under a runlog ref once the push succeeded.
    expect((await git(l.main, ['for-each-ref', 'refs/runlog/'])).trim()).toBe('');
  });

  it("a command run while offline that has another clone's work to replay onto still loses nothing", async () => {
    await runlogOk(l.clones[1]!, ['append', run, 'pushed first']);
    away();
    const r = await runlog(l.main, ['append', run, 'offline, behind the remote', '--json']);
    expect(r.code).toBe(5);
    back();
    const next = await runlogOk(l.main, ['append', run, 'back online', '--json']);
    expect(AppendOutput.parse(next.json).pushed).toBe(true);
    expect(await mergeCommits(l.remote, 'main')).toEqual([]);
    const shown = ShowOutput.parse((await runlogOk(l.main, ['show', run, '--json'])).json);
    expect(shown.status.map((e) => e.message).slice(-3)).toEqual([
      'pushed first',
      'offline, behind the remote',
      'back online',
    ]);
    expect(await remoteHead()).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
  });
});
