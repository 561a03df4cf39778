/**
 * The --json contract: every record command's real output validates against
 * its zod schema in src/schemas/output.ts, and every command's flags match a
 * committed snapshot, so renaming or dropping one fails here.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AppendOutput,
  CancelOutput,
  CompleteOutput,
  FailOutput,
  HistoryOutput,
  IndexOutput,
  InitOutput,
  ListOutput,
  NewOutput,
  PlotOutput,
  ResumeOutput,
  ShowOutput,
  SyncOutput,
} from '../../src/schemas/output.js';
import {
  RUNLOG_BIN,
  ensureBuilt,
  git,
  makeLedger,
  runlog,
  type CliResult,
  type TempLedger,
} from '../support/ledger.js';

/** One JSON document on stdout and nothing else, exit 0, no error on stderr. */
function jsonOf(r: CliResult): unknown {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).not.toMatch(/^error\[/m);
  expect(() => JSON.parse(r.stdout)).not.toThrow();
  return JSON.parse(r.stdout) as unknown;
}

function valid<S extends z.ZodType>(schema: S, r: CliResult): z.infer<S> {
  const parsed = schema.safeParse(jsonOf(r));
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return parsed.data as z.infer<S>;
}

describe('--json output matches its schema', () => {
  let l: TempLedger;
  const cli = (...args: string[]) => runlog(l.main, [...args, '--json']);

  beforeAll(async () => {
    l = await makeLedger({ init: false, prefix: 'runlog-schema-' });
  });
  afterAll(() => l?.cleanup());

  it('every record command, in the order a run lives', async () => {
    const init = valid(InitOutput, await cli('init', '--remote', l.remote));
    expect(init.created).toContain('runlog.config.yaml');
    expect(init.pushed).toBe(true);

    const created = valid(
      NewOutput,
      await cli(
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'schema check',
        '--group',
        'g',
        '--date',
        '2026-03-22',
        '--setting',
        'lr=3e-4',
      ),
    );
    expect(created).toMatchObject({
      id: 'g/2026-03-22_train',
      path: 'run_logs/g/2026-03-22_train.md',
      state: 'pending',
      pushed: true,
    });
    const id = created.id;

    const appended = valid(
      AppendOutput,
      await cli(
        'append',
        id,
        'job 42 started',
        '--state',
        'running',
        '--step',
        '100',
        '--metric',
        'train_loss=0.5',
        '--at',
        '2026-03-22T10:00:00Z',
      ),
    );
    expect(appended.entry).toEqual({
      at: '2026-03-22T10:00:00Z',
      state: 'running',
      step: 100,
      metrics: { train_loss: 0.5 },
      message: 'job 42 started',
    });
    expect(appended.commit).toMatch(/^[0-9a-f]{40}$/);

    const completed = valid(
      CompleteOutput,
      await cli('complete', id, '--final-step', '200', '--metric', 'val_loss=0.4', '--summary', 'converged'),
    );
    expect(completed).toMatchObject({ state: 'completed', previousState: 'running' });
    expect(completed.results['end_val_loss']).toBe('0.4');
    expect(completed.chart).toBe('run_logs/g/plots/2026-03-22_train.svg');
    const plotted = valid(PlotOutput, await cli('plot', id));
    // Completion drew it already: the same bytes, nothing to commit.
    expect(plotted).toMatchObject({
      id,
      chart: 'run_logs/g/plots/2026-03-22_train.svg',
      link: 'plots/2026-03-22_train.svg',
      logAttempts: 0,
      commit: null,
    });

    const ckpt = mkdtempSync(join(tmpdir(), 'runlog-schema-ckpt-'));
    mkdirSync(join(ckpt, 'step_200'));
    writeFileSync(join(ckpt, 'step_200', 'metadata.json'), '{"step": 200}');
    const resumed = valid(ResumeOutput, await cli('resume', id, '--from', join(ckpt, 'step_200')));
    rmSync(ckpt, { recursive: true, force: true });
    expect(resumed).toMatchObject({ state: 'pending', previousState: 'completed', attempt: 2 });

    valid(AppendOutput, await cli('append', id, 'attempt 2 running', '--state', 'running'));
    const failed = valid(FailOutput, await cli('fail', id, '--class', 'oom_gpu', '--reason', 'CUDA out of memory'));
    expect(failed).toMatchObject({ state: 'command_failed', previousState: 'running' });

    const other = valid(
      NewOutput,
      await cli('new', 'eval', '--type', 'pipeline', '--objective', 'to cancel', '--date', '2026-03-23'),
    );
    const canceled = valid(CancelOutput, await cli('cancel', other.id, '--reason', 'not needed'));
    expect(canceled.state).toBe('canceled');

    const shown = valid(ShowOutput, await cli('show', id));
    expect(shown).toMatchObject({
      id,
      state: 'command_failed',
      runType: 'experiment',
      objective: 'schema check',
      attempt: 2,
    });
    expect(shown.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (resumed)']);
    expect(shown.status.map((e) => e.state)).toEqual([
      'pending',
      'running',
      'completed',
      'pending',
      'running',
      'command_failed',
    ]);

    const listed = valid(ListOutput, await cli('list'));
    expect(listed.runs.map((r) => [r.id, r.state])).toEqual([
      ['2026-03-23_eval', 'canceled'],
      [id, 'command_failed'],
    ]);
    expect(valid(ListOutput, await cli('list', '--class', 'oom_gpu')).runs.map((r) => r.id)).toEqual([id]);

    const timeline = valid(IndexOutput, await cli('timeline'));
    expect(timeline.files).toContain('run_logs/g/timeline.md');
    const check = valid(IndexOutput, await cli('timeline', '--check'));
    expect(check.stale).toEqual([]);
    valid(IndexOutput, await cli('experiments', '--group', 'g'));

    const history = valid(HistoryOutput, await cli('history', id));
    expect(history.commits.map((c) => c.subject)).toEqual([
      `${id}: fail (oom_gpu)`,
      `${id}: log status (running)`,
      `${id}: log resume`,
      `${id}: complete`,
      `${id}: log status (running)`,
      `${id}: new experiment run`,
    ]);

    const synced = valid(SyncOutput, await cli('sync'));
    // sync always says what the issue mirror still holds, so an empty list is an answer, not an omission.
    expect(synced).toEqual({ pushed: 0, pending: 0, replayed: 0, mirror: { pending: [], posted: [] }, warnings: [] });
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
  });
});

/** command id → flag name → kind (`boolean`, `boolean/no`, `option`, `option[]`), and its positional args in order. */
type FlagSnapshot = Record<string, { flags: Record<string, string>; args: string[] }>;

interface ManifestFlag {
  type: 'boolean' | 'option';
  multiple?: boolean;
  allowNo?: boolean;
}

function flagSnapshot(manifestPath: string): FlagSnapshot {
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    commands: Record<string, { flags: Record<string, ManifestFlag>; args: Record<string, unknown> }>;
  };
  const out: FlagSnapshot = {};
  for (const id of Object.keys(manifest.commands).sort()) {
    const c = manifest.commands[id]!;
    const flags: Record<string, string> = {};
    for (const name of Object.keys(c.flags).sort()) {
      const f = c.flags[name]!;
      flags[name] = f.type === 'boolean' ? (f.allowNo ? 'boolean/no' : 'boolean') : f.multiple ? 'option[]' : 'option';
    }
    out[id] = { flags, args: Object.keys(c.args) };
  }
  return out;
}

describe('command-line surface', () => {
  const fixture = join(dirname(new URL(import.meta.url).pathname), '__snapshots__', 'flags.json');

  it('no command, flag or argument in the committed snapshot was renamed, dropped or changed kind', async () => {
    await ensureBuilt();
    const manifest = join(dirname(RUNLOG_BIN), '..', 'oclif.manifest.json');
    expect(existsSync(manifest), `${manifest} (made by npm run build)`).toBe(true);
    const now = flagSnapshot(manifest);
    // RUNLOG_UPDATE_FLAGS=1 records the current surface (after a deliberate, deprecated rename, or to protect new flags).
    if (process.env['RUNLOG_UPDATE_FLAGS'] === '1') writeFileSync(fixture, `${JSON.stringify(now, null, 2)}\n`);
    const recorded = JSON.parse(readFileSync(fixture, 'utf8')) as FlagSnapshot;

    const broken: string[] = [];
    const added: string[] = [];
    for (const [id, c] of Object.entries(recorded)) {
      const cur = now[id];
      if (!cur) {
        broken.push(`command ${id} is gone`);
        continue;
      }
      for (const [flag, kind] of Object.entries(c.flags)) {
        if (!(flag in cur.flags)) broken.push(`${id} --${flag} is gone`);
        else if (cur.flags[flag] !== kind) broken.push(`${id} --${flag} changed from ${kind} to ${cur.flags[flag]}`);
      }
      if (cur.args.slice(0, c.args.length).join(' ') !== c.args.join(' '))
        broken.push(`${id} arguments changed from <${c.args.join('> <')}> to <${cur.args.join('> <')}>`);
      for (const flag of Object.keys(cur.flags)) if (!(flag in c.flags)) added.push(`${id} --${flag}`);
    }
    for (const id of Object.keys(now)) if (!(id in recorded)) added.push(`command ${id}`);
    // The contract: add freely, rename none. Additions are fine; record them with RUNLOG_UPDATE_FLAGS=1 so they are protected too.
    if (added.length > 0) process.stderr.write(`flags not yet in ${fixture}: ${added.join(', ')}\n`);
    expect(broken).toEqual([]);
    // The contract's own commands are all in the snapshot.
    for (const id of [
      'init',
      'new',
      'append',
      'complete',
      'fail',
      'cancel',
      'resume',
      'show',
      'list',
      'timeline',
      'experiments',
      'history',
      'sync',
    ]) {
      expect(recorded[id], id).toBeDefined();
      expect(Object.keys(recorded[id]!.flags)).toEqual(expect.arrayContaining(['json', 'ledger', 'push']));
    }
  });
});
