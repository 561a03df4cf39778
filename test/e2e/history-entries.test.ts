/**
 * A reviewer audits a run through git: two people append to the same run
 * from their own clones (one offline, replayed later by `runlog sync`), the
 * file is renamed, and `runlog history --entries` says who wrote each entry,
 * in which commit on main, as whom git knows them (their clone's user.name).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryEntriesOutput, HistoryOutput, type HistoryEntriesResult } from '../../src/schemas/output.js';
import { RUNLOG_BIN, git, makeLedger, newRun, runlogOk, testEnv, tryGit, type TempLedger } from '../support/ledger.js';

/** The CLI as the clone's own user: git takes the author from the clone's user.name, not the test's environment. */
function asClone(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = testEnv();
  for (const k of ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL']) delete env[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [RUNLOG_BIN, ...args],
      { cwd, env, timeout: 60_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : -1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function okAs(cwd: string, args: string[]): Promise<void> {
  const r = await asClone(cwd, args);
  if (r.code !== 0) throw new Error(`runlog ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
}

async function entries(cwd: string, run: string): Promise<HistoryEntriesResult> {
  return HistoryEntriesOutput.parse((await runlogOk(cwd, ['history', run, '--entries', '--json'])).json);
}

describe('runlog history --entries', () => {
  let l: TempLedger;
  let run: string;
  let ana: string;
  let bo: string;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-entries-' });
    run = await newRun(l.main, 'train', { group: 'arx5' });
    ana = await l.clone('ana');
    bo = await l.clone('bo');
    await git(ana, ['config', 'user.name', 'Ana Lima']);
    await git(ana, ['config', 'user.email', 'ana@lab.invalid']);
    await git(bo, ['config', 'user.name', 'Bo Chen']);
    await git(bo, ['config', 'user.email', 'bo@lab.invalid']);

    await okAs(ana, ['append', run, 'job 4242 started', '--state', 'running', '--at', '2026-03-22T10:00:00Z']);
    // Bo's clone has not seen Ana's entry: his push is rejected and runlog replays his append on top.
    await okAs(bo, [
      'append',
      run,
      'loss falling',
      '--step',
      '100',
      '--metric',
      'train_loss=0.9',
      '--at',
      '2026-03-22T10:05:00Z',
    ]);
    // Ana writes offline; Bo appends again; Ana's sync replays her commit on top of his.
    await okAs(ana, [
      'append',
      run,
      'checked from the train',
      '--step',
      '150',
      '--at',
      '2026-03-22T10:07:00Z',
      '--no-push',
    ]);
    await okAs(bo, [
      'append',
      run,
      'still falling',
      '--step',
      '200',
      '--metric',
      'train_loss=0.7',
      '--at',
      '2026-03-22T10:10:00Z',
    ]);
    await okAs(ana, ['sync']);
    await git(l.main, ['pull', '-q', '--ff-only', 'origin', 'main']);
  });
  afterAll(() => l?.cleanup());

  it('attributes every entry to the clone that wrote it, by a commit on main', async () => {
    const h = await entries(l.main, run);
    expect(h.id).toBe(run);
    const dated = h.entries.filter((e) => !e.continuation);
    expect(dated.map((e) => e.text.split(' — ').pop())).toEqual([
      'run log created',
      'job 4242 started',
      'loss falling',
      'still falling',
      'checked from the train',
    ]);
    expect(dated.map((e) => e.commit?.author)).toEqual(['Runlog Test', 'Ana Lima', 'Bo Chen', 'Bo Chen', 'Ana Lima']);
    expect(dated.map((e) => e.commit?.authorEmail)).toEqual([
      'test@runlog.invalid',
      'ana@lab.invalid',
      'bo@lab.invalid',
      'bo@lab.invalid',
      'ana@lab.invalid',
    ]);
    const head = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    for (const e of dated) {
      expect(e.commit!.sha).toMatch(/^[0-9a-f]{40}$/);
      // The commit that is on main (a replay made a new one), and it changed this very file.
      expect((await tryGit(l.main, ['merge-base', '--is-ancestor', e.commit!.sha, head])).ok).toBe(true);
      expect(e.commit!.subject).toMatch(new RegExp(`^${run}: `));
      expect((await git(l.main, ['show', '--format=', '--name-only', e.commit!.sha])).split('\n')).toContain(
        `run_logs/${run}.md`,
      );
    }
    // The replayed entries were committed in the order they reached main, not the order they claim.
    expect(dated[4]!.at).toBe('2026-03-22T10:07:00Z');
    expect(dated[4]!.commit!.committerTime >= dated[3]!.commit!.committerTime).toBe(true);
    // Four different commits for the four appends.
    expect(new Set(dated.slice(1).map((e) => e.commit!.sha)).size).toBe(4);

    const human = (await runlogOk(l.main, ['history', run, '--entries'])).stdout;
    expect(human).toMatch(
      /^[0-9a-f]{12} {2}\S+ {2}Bo Chen <bo@lab\.invalid> +L\d+ {2}2026-03-22 10:05 UTC — .*loss falling$/m,
    );
  });

  it('follows a rename: old entries keep their commits and say the path they were written in', async () => {
    const before = (await entries(l.main, run)).entries;
    mkdirSync(join(l.main, 'run_logs', 'arx5_v2'), { recursive: true });
    await git(l.main, ['mv', `run_logs/${run}.md`, `run_logs/arx5_v2/2026-03-22_train.md`]);
    await git(l.main, ['commit', '-qm', 'move the run to arx5_v2']);
    const moved = await entries(l.main, 'arx5_v2/2026-03-22_train');
    expect(moved.path).toBe('run_logs/arx5_v2/2026-03-22_train.md');
    expect(moved.entries.map((e) => e.commit?.author)).toEqual(before.map((e) => e.commit?.author));
    expect(moved.entries.filter((e) => !e.continuation).every((e) => e.commit!.path === `run_logs/${run}.md`)).toBe(
      true,
    );
    const plain = HistoryOutput.parse((await runlogOk(l.main, ['history', 'arx5_v2/2026-03-22_train', '--json'])).json);
    expect(plain.commits.some((c) => c.subject === `${run}: new experiment run`)).toBe(true);

    // An entry written by hand and not committed yet has no commit.
    const file = join(l.main, 'run_logs', 'arx5_v2', '2026-03-22_train.md');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        /(## Status\n(?:- .*\n)+)/,
        '$1- 2026-03-22 11:00 UTC — running — noted by hand\n',
      ),
    );
    const hand = await entries(l.main, 'arx5_v2/2026-03-22_train');
    const last = hand.entries.find((e) => e.text.endsWith('noted by hand'))!;
    expect(last.commit).toBeNull();
    expect((await runlogOk(l.main, ['history', 'arx5_v2/2026-03-22_train', '--entries'])).stdout).toMatch(
      /\(not committed\) +L\d+ {2}2026-03-22 11:00 UTC — running — noted by hand$/m,
    );
  });
});
