/**
 * What every command shares: idempotent init, the ways to name a run, --ledger,
 * --no-push, and one JSON document on stdout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppendOutput,
  CampaignCancelOutput,
  CampaignFetchOutput,
  CampaignLaunchOutput,
  CampaignListOutput,
  CampaignResumeOutput,
  CampaignStatusOutput,
  CompareOutput,
  DiffOutput,
  ErrorOutput,
  HistoryEntriesOutput,
  InitOutput,
  ListOutput,
  ReportOutput,
  ShowOutput,
  SyncOutput,
} from '../../src/schemas/output.js';
import {
  git,
  makeLedger,
  newRun,
  runlog,
  runlogOk,
  snapshotLedger,
  stderrError,
  type TempLedger,
} from '../support/ledger.js';

describe('runlog init', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ init: false, prefix: 'runlog-init-' });
  });
  afterAll(() => l?.cleanup());

  it('a second init changes nothing (same HEAD, same files, same remote)', async () => {
    const first = InitOutput.parse((await runlogOk(l.main, ['init', '--remote', l.remote, '--json'])).json);
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(first.pushed).toBe(true);
    const before = await snapshotLedger(l.main);
    const remoteBefore = (await git(l.remote, ['rev-parse', 'main'])).trim();
    expect(remoteBefore).toBe(before.head);

    for (const args of [['init'], ['init', '--remote', l.remote]]) {
      const again = InitOutput.parse((await runlogOk(l.main, [...args, '--json'])).json);
      expect(again).toMatchObject({ created: [], commit: null });
      expect(await snapshotLedger(l.main)).toEqual(before);
      expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(remoteBefore);
    }
    const human = await runlogOk(l.main, ['init']);
    expect(human.stdout).toMatch(/already initialised/);
  });

  it('init in a directory that is not a repository creates one; a second init is a no-op', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlog-init-norepo-'));
    try {
      await runlogOk(dir, ['init', '--no-push']);
      const head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      expect((await git(dir, ['log', '--format=%s'])).trim()).toBe('runlog: init ledger');
      await runlogOk(dir, ['init']);
      expect((await git(dir, ['rev-parse', 'HEAD'])).trim()).toBe(head);
      expect((await git(dir, ['status', '--porcelain'])).trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('init --remote refuses to repoint an existing remote', async () => {
    const before = await snapshotLedger(l.main);
    const r = await runlog(l.main, ['init', '--remote', join(l.base, 'elsewhere.git')]);
    expect(r.code).toBe(1);
    expect(stderrError(r.stderr)?.code).toBe('REMOTE_MISMATCH');
    expect(await snapshotLedger(l.main)).toEqual(before);
  });

  it('init --remote naming the same repository by another path is no mismatch', async () => {
    const before = await snapshotLedger(l.main);
    const r = await runlog(l.main, ['init', '--remote', `${relative(l.main, l.remote)}/`]);
    expect(r.code, r.stderr).toBe(0);
    expect(await snapshotLedger(l.main)).toEqual(before);
  });
});

describe('naming a run', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-refs-' });
    await newRun(l.main, 'train', { group: 'g', date: '2026-03-22' });
    await newRun(l.main, 'train', { group: 'h', date: '2026-03-22' });
    await newRun(l.main, 'eval', { group: 'g/sub', date: '2026-03-23' });
  });
  afterAll(() => l?.cleanup());

  const shownId = async (cwd: string, ref: string) =>
    ShowOutput.parse((await runlogOk(cwd, ['show', ref, '--json'])).json).id;

  it('by id, by file path (from the root, from a subfolder, absolute) and by unique suffix', async () => {
    expect(await shownId(l.main, 'g/2026-03-22_train')).toBe('g/2026-03-22_train');
    expect(await shownId(l.main, 'run_logs/g/2026-03-22_train.md')).toBe('g/2026-03-22_train');
    expect(await shownId(join(l.main, 'run_logs', 'h'), '2026-03-22_train.md')).toBe('h/2026-03-22_train');
    expect(await shownId(join(l.main, 'run_logs'), join(l.main, 'run_logs', 'g', 'sub', '2026-03-23_eval.md'))).toBe(
      'g/sub/2026-03-23_eval',
    );
    expect(await shownId(l.main, '2026-03-23_eval')).toBe('g/sub/2026-03-23_eval');
    expect(await shownId(l.main, 'sub/2026-03-23_eval')).toBe('g/sub/2026-03-23_eval');
    expect(await shownId(l.main, 'eval')).toBe('g/sub/2026-03-23_eval');
    // A write through a suffix lands in the one file it names.
    const a = AppendOutput.parse((await runlogOk(l.main, ['append', '23_eval', 'by suffix', '--json'])).json);
    expect(a.id).toBe('g/sub/2026-03-23_eval');
  });

  it('an ambiguous suffix is a usage error that lists the candidates; an unknown ref is exit 4', async () => {
    const before = await snapshotLedger(l.main);
    const amb = await runlog(l.main, ['append', '2026-03-22_train', 'm']);
    expect(amb.code).toBe(2);
    const e = stderrError(amb.stderr)!;
    expect(e.code).toBe('AMBIGUOUS_RUN');
    expect(e.hint).toContain('g/2026-03-22_train');
    expect(e.hint).toContain('h/2026-03-22_train');
    const j = ErrorOutput.parse((await runlog(l.main, ['show', 'train', '--json'])).json);
    expect(j.error['candidates']).toEqual(['g/2026-03-22_train', 'h/2026-03-22_train']);

    const unknown = await runlog(l.main, ['append', '2026-03-24_train', 'm', '--json']);
    expect(unknown.code).toBe(4);
    const u = ErrorOutput.parse(unknown.json).error;
    expect(u.code).toBe('RUN_NOT_FOUND');
    // Close names are offered.
    expect(u.hint).toContain('g/2026-03-22_train');
    expect(await snapshotLedger(l.main)).toEqual(before);
  });

  it('--ledger names the ledger from anywhere; without it a directory outside any ledger is exit 4', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'runlog-nowhere-'));
    try {
      const r = await runlog(elsewhere, ['list', '--json']);
      expect(r.code).toBe(4);
      expect(ErrorOutput.parse(r.json).error.code).toBe('NO_LEDGER');
      const shown = ShowOutput.parse((await runlogOk(elsewhere, ['show', 'eval', '--ledger', l.main, '--json'])).json);
      expect(shown.id).toBe('g/sub/2026-03-23_eval');
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('--no-push commits locally only; sync pushes it', async () => {
    const remoteBefore = (await git(l.remote, ['rev-parse', 'main'])).trim();
    const a = AppendOutput.parse(
      (await runlogOk(l.main, ['append', 'eval', 'local only', '--no-push', '--json'])).json,
    );
    expect(a.pushed).toBe(false);
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(remoteBefore);
    expect((await git(l.main, ['rev-parse', 'HEAD'])).trim()).toBe(a.commit);
    expect(SyncOutput.parse((await runlogOk(l.main, ['sync', '--json'])).json)).toMatchObject({
      pushed: 1,
      pending: 0,
    });
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(a.commit);
  });
});

describe('review commands: --json is exactly the strict schema', () => {
  let l: TempLedger;
  let a: string;
  let b: string;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-review-contract-' });
    a = await newRun(l.main, 'a', { group: 'g', extra: ['--setting', 'lr=3e-4'] });
    b = await newRun(l.main, 'b', { group: 'g', extra: ['--setting', 'lr=1e-4'] });
    await runlogOk(l.main, [
      'append',
      b,
      'diverged',
      '--state',
      'running',
      '--metric',
      'loss=nan',
      '--metric',
      'grad_norm=inf',
    ]);
  });
  afterAll(() => l?.cleanup());

  it('compare, diff and history --entries validate against their schemas (no unknown keys); errors are the error shape', async () => {
    const c = CompareOutput.parse((await runlogOk(l.main, ['compare', '--group', 'g', '--json'])).json);
    // JSON has no NaN or Infinity: they stay words.
    expect(c.runs.find((r) => r.id === b)!.metrics).toEqual({ loss: 'nan', grad_norm: 'inf' });
    expect(c.columns.settings).toEqual(['lr']);
    DiffOutput.parse((await runlogOk(l.main, ['diff', a, b, '--json'])).json);
    const h = HistoryEntriesOutput.parse((await runlogOk(l.main, ['history', b, '--entries', '--json'])).json);
    expect(h.entries).toHaveLength(2);
    for (const args of [
      ['compare', '--group', 'g', '--sort', 'nope', '--json'],
      ['diff', a, 'missing', '--json'],
    ]) {
      const r = await runlog(l.main, args);
      expect(r.code).not.toBe(0);
      ErrorOutput.parse(r.json);
    }
  });
});

describe('campaign commands: --json is exactly the strict schema', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-campaign-contract-' });
    writeFileSync(
      join(l.main, 'sweep.csv'),
      'command,seed\n"sh -c ""exit 0"" {seed}",0\n"sh -c ""exit 0"" {seed}",1\n',
    );
  });
  afterAll(() => l?.cleanup());

  it('launch, status, list, report, resume, fetch and cancel validate against their schemas; errors are the error shape', async () => {
    const dry = CampaignLaunchOutput.parse(
      (await runlogOk(l.main, ['campaign', 'launch', 'sweep.csv', '--name', 'contract', '--dry-run', '--json'])).json,
    );
    expect(dry).toMatchObject({ dryRun: true, launched: false, commit: null });
    const launched = CampaignLaunchOutput.parse(
      (await runlogOk(l.main, ['campaign', 'launch', 'sweep.csv', '--name', 'contract', '--json'])).json,
    );
    expect(launched).toMatchObject({ id: dry.id, launched: true, pushed: true });
    expect(launched.runs.map((r) => r.entry)).toEqual(['seed0', 'seed1']);
    const status = CampaignStatusOutput.parse(
      (await runlogOk(l.main, ['campaign', 'status', 'contract', '--json'])).json,
    );
    expect(status.counts['pending']).toBe(2);
    expect(
      CampaignListOutput.parse((await runlogOk(l.main, ['campaign', 'list', '--json'])).json).campaigns,
    ).toHaveLength(1);
    for (const by of ['failure-class', 'state', 'campaign'])
      ReportOutput.parse((await runlogOk(l.main, ['report', '--by', by, '--json'])).json);
    expect(
      CampaignResumeOutput.parse((await runlogOk(l.main, ['campaign', 'resume', launched.id, '--json'])).json).resumed,
    ).toEqual([]);
    expect(
      CampaignFetchOutput.parse(
        (await runlogOk(l.main, ['campaign', 'fetch', launched.id, '--to', join(l.base, 'out'), '--json'])).json,
      ).expected,
    ).toBe(0);
    const cancel = CampaignCancelOutput.parse(
      (await runlogOk(l.main, ['campaign', 'cancel', launched.id, '--reason', 'contract test', '--json'])).json,
    );
    expect(cancel.canceled).toHaveLength(2);
    const listed = ListOutput.parse((await runlogOk(l.main, ['list', '--campaign', launched.id, '--json'])).json);
    expect(listed.runs.map((r) => r.state)).toEqual(['canceled', 'canceled']);
    for (const args of [
      ['campaign', 'status', 'nope', '--json'],
      ['campaign', 'launch', 'missing.yaml', '--json'],
      ['report', '--since', 'yesterday', '--json'],
    ]) {
      const r = await runlog(l.main, args);
      expect(r.code).not.toBe(0);
      ErrorOutput.parse(r.json);
    }
  });
});
