/**
 * A ledger kept by hand before runlog existed (test/fixtures/real-ledger,
 * every variation hand-kept ledgers show), committed and pushed, then every
 * command run over it with the built CLI. Reads derive everything from the
 * body; writes change only the lines they mean to, and never add front matter.
 */
import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppendOutput,
  CompleteOutput,
  HistoryOutput,
  IndexOutput,
  ListOutput,
  ResumeOutput,
  ShowOutput,
} from '../../src/schemas/output.js';
import { fileAt, git, makeLedger, runlog, runlogOk, type TempLedger } from '../support/ledger.js';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'real-ledger');

/** The lines a commit added and removed in one file (`git diff -U0`), line endings kept. */
async function diffLines(
  dir: string,
  path: string,
  from = 'HEAD~1',
  to = 'HEAD',
): Promise<{ added: string[]; removed: string[] }> {
  const out = await git(dir, ['diff', '-U0', '--no-color', from, to, '--', path]);
  const added: string[] = [];
  const removed: string[] = [];
  for (const l of out.split('\n')) {
    if (l.startsWith('+++') || l.startsWith('---')) continue;
    if (l.startsWith('+')) added.push(l.slice(1));
    else if (l.startsWith('-')) removed.push(l.slice(1));
  }
  return { added, removed };
}

/** Files a commit touched. */
async function touched(dir: string, ref = 'HEAD'): Promise<string[]> {
  return (await git(dir, ['show', '--name-only', '--format=', ref])).split('\n').filter(Boolean);
}

async function importLedger(l: TempLedger, from: string, to: string): Promise<void> {
  cpSync(join(FIXTURES, from), join(l.main, to), { recursive: true });
  await git(l.main, ['add', '-A']);
  await git(l.main, ['commit', '-q', '-m', 'import the hand-kept ledger']);
  await git(l.main, ['push', '-q', 'origin', 'main']);
}

const STAMP = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC';

describe('a hand-kept ledger under runlog', () => {
  let l: TempLedger;
  const FRONT = 'arx5_multitask/2026-02-21_train_front_cam';
  const FRONT_PATH = `run_logs/${FRONT}.md`;

  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-real-' });
    await importLedger(l, 'ledger/run_logs', 'run_logs');
  });
  afterAll(() => l?.cleanup());

  it('list counts the run logs only, with states derived from their bodies', async () => {
    const r = await runlogOk(l.main, ['list', '--json']);
    const out = ListOutput.parse(r.json);
    const byId = Object.fromEntries(out.runs.map((x) => [x.id, x]));
    expect(Object.keys(byId).sort()).toEqual([
      'arx5_multitask/2026-02-20_train',
      'arx5_multitask/2026-02-21_train_front_cam',
      'arx5_multitask/2026-03-01_sweep',
      'cam_experiments/train_baseline_2026-03-11',
      'cam_experiments/train_both_cams_2026-03-13',
      'cam_experiments/train_lr_sweep_2026-03-12',
      'libero/2026-03-05_train_libero',
    ]);
    expect(Object.fromEntries(out.runs.map((x) => [x.id, [x.state, x.runType, x.stateInferred]]))).toEqual({
      'arx5_multitask/2026-02-20_train': ['completed', 'replication', true],
      'arx5_multitask/2026-02-21_train_front_cam': ['running', 'replication', true],
      'arx5_multitask/2026-03-01_sweep': ['canceled', 'pipeline', true],
      'cam_experiments/train_baseline_2026-03-11': ['completed', 'experiment', true],
      'cam_experiments/train_both_cams_2026-03-13': ['running', 'experiment', true],
      'cam_experiments/train_lr_sweep_2026-03-12': ['completed', 'experiment', true],
      'libero/2026-03-05_train_libero': ['running', 'replication', true],
    });
    expect(byId[FRONT]!.updated).toBe('2026-02-24T09:10:00Z');
    expect(r.stderr).toBe('');

    const human = await runlogOk(l.main, ['list', '--state', 'running']);
    expect(human.stdout).toMatch(/^arx5_multitask\/2026-02-21_train_front_cam +running\*/m);
    expect(human.stdout).toContain('state inferred from the body');
    expect(human.stdout).not.toMatch(/eval_writeup|hf_|timeline|experiments\.md/);
  });

  it('show reads every Job variant, per-job Status sections, continuation lines and results', async () => {
    const front = ShowOutput.parse((await runlogOk(l.main, ['show', FRONT, '--json'])).json);
    expect(front.jobs.map((j) => j.heading)).toEqual([
      'Job',
      'Job (failed — `4420777`)',
      'Job (debug rerun)',
      'Job (resubmit)',
      'Job (resubmitted again)',
      'Job (fresh run)',
      'Job — variant with the wrist camera disabled',
      'Job (resumed)',
    ]);
    expect(front.jobs[3]!.fields).toMatchObject({
      job_id: '4421003',
      'submitted/start': '2026-02-22T12:00:00Z',
      start_human: 'Sunday, Feb 22nd, 2026',
      node: 'nid001260',
    });
    expect(front.status.filter((e) => e.continuation).map((e) => e.message)).toEqual([
      'failure reason: walltime, not a crash',
      'fix applied: added `--requeue` and resume-from-latest',
    ]);
    expect(front.status.map((e) => e.state)).toContain('canceled');
    expect(front).toMatchObject({
      state: 'running',
      stateInferred: true,
      hasFrontMatter: false,
      results: null,
      diagnostics: [],
    });

    const train = ShowOutput.parse((await runlogOk(l.main, ['show', '2026-02-20_train', '--json'])).json);
    expect(train.results).toMatchObject({
      'final step': '9,999',
      end_train_loss: '0.085',
      checkpoint: '/scratch/ana/arx5/ckpt/step-9999',
    });
    expect(train.sections).toEqual(
      expect.arrayContaining(['HuggingFace', 'Checkpoint Hashes', 'Training Dynamics', 'Evaluation', 'Interpretation']),
    );

    const sweep = ShowOutput.parse(
      (await runlogOk(l.main, ['show', 'arx5_multitask/2026-03-01_sweep', '--json'])).json,
    );
    expect(sweep.jobs).toHaveLength(23);

    const human = await runlogOk(l.main, ['show', '2026-03-05_train_libero']);
    expect(human.stdout).toContain('running');
    expect(human.stderr).toBe('');
  });

  it('history lists the run’s commits', async () => {
    const h = HistoryOutput.parse((await runlogOk(l.main, ['history', FRONT, '--json'])).json);
    expect(h.commits.map((c) => c.subject)).toEqual(['import the hand-kept ledger']);
  });

  it('append adds exactly one line, forces no front matter, and pushes', async () => {
    const before = readFileSync(join(l.main, FRONT_PATH), 'utf8');
    const r = await runlogOk(l.main, [
      'append',
      FRONT,
      'loss still falling',
      '--step',
      '81000',
      '--metric',
      'train_loss=0.058',
      '--json',
    ]);
    const out = AppendOutput.parse(r.json);
    expect(out).toMatchObject({ id: FRONT, state: 'running', previousState: 'running', pushed: true });
    const d = await diffLines(l.main, FRONT_PATH);
    expect(d.removed).toEqual([]);
    expect(d.added).toHaveLength(1);
    expect(d.added[0]).toMatch(
      new RegExp(`^- ${STAMP} — running, step 81000, train_loss 0\\.058 — loss still falling$`),
    );
    const after = readFileSync(join(l.main, FRONT_PATH), 'utf8');
    expect(after.startsWith('---')).toBe(false);
    // The line lands at the end of the last Status section (the resumed job's).
    expect(after).toBe(before.replace('ETA ~14h\n', `ETA ~14h\n${d.added[0]}\n`));
    expect(await fileAt(l.remote, 'main', FRONT_PATH)).toBe(after);
    expect(await touched(l.main)).toEqual([FRONT_PATH]);
  });

  it('append with a state into a CRLF file keeps CRLF and changes one line', async () => {
    const path = 'run_logs/libero/2026-03-05_train_libero.md';
    await runlogOk(l.main, [
      'append',
      'libero/2026-03-05_train_libero',
      'no new step for 40 min',
      '--state',
      'stalled',
    ]);
    const d = await diffLines(l.main, path);
    expect(d.removed).toEqual([]);
    expect(d.added).toHaveLength(1);
    expect(d.added[0]).toMatch(new RegExp(`^- ${STAMP} — stalled — no new step for 40 min\\r$`));
    const text = readFileSync(join(l.main, path), 'utf8');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('complete fills the last Job block and Results, and touches no other line', async () => {
    const before = readFileSync(join(l.main, FRONT_PATH), 'utf8');
    const r = await runlogOk(l.main, [
      'complete',
      FRONT,
      '--final-step',
      '100000',
      '--metric',
      'val_loss=0.03',
      '--checkpoint',
      '/scratch/ana/front/ckpt/step-100000',
      '--summary',
      'kept falling after the resume',
      '--json',
    ]);
    const out = CompleteOutput.parse(r.json);
    expect(out).toMatchObject({ state: 'completed', previousState: 'running' });
    const d = await diffLines(l.main, FRONT_PATH);
    expect(d.removed).toEqual([]);
    const expected = [
      new RegExp(`^- ${STAMP} — completed, step 100000, val_loss 0\\.03 — exit code 0; kept falling after the resume$`),
      /^- end: `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z`$/,
      /^- end_human: `\w+day, \w{3} \d+\w\w, \d{4}`$/,
      /^- runtime: `\d+:\d{2}:\d{2}`$/,
      /^- runtime: `\d+:\d{2}:\d{2}`$/,
      /^- final step: 100000$/,
      /^- start_train_loss: `0\.061`$/,
      // The last loss was read at step 81000, not at the final step: Results says so.
      /^- end_train_loss: `0\.058` \(step 81000\)$/,
      /^- end_val_loss: `0\.03`$/,
      /^- loss_one_liner: kept falling after the resume$/,
      /^- checkpoint: `\/scratch\/ana\/front\/ckpt\/step-100000`$/,
      /^- before eval or upload: generate `MODEL_PASSPORT\.json`/,
      /^- chart: !\[loss and throughput\]\(plots\/[\w-]+\.svg\)$/,
    ];
    for (const line of d.added) expect([line, expected.some((re) => re.test(line))]).toEqual([line, true]);
    expect(d.added).toHaveLength(expected.length);
    // Every original line is still there, in order.
    const after = readFileSync(join(l.main, FRONT_PATH), 'utf8').split('\n');
    let k = 0;
    for (const line of before.split('\n')) {
      while (k < after.length && after[k] !== line) k++;
      expect(k).toBeLessThan(after.length);
      k++;
    }
    const shown = ShowOutput.parse((await runlogOk(l.main, ['show', FRONT, '--json'])).json);
    expect(shown.jobs.at(-1)!.heading).toBe('Job (resumed)');
    expect(Object.keys(shown.jobs.at(-1)!.fields)).toEqual([
      'execution_id',
      'submitted',
      'resumed from',
      'end',
      'end_human',
      'runtime',
    ]);
    expect(shown.jobs[3]!.fields['end']).toBeUndefined();
    expect(shown.state).toBe('completed');
  });

  it('resume adds a Job (resumed) block after the 23rd job and one Status entry, nothing else', async () => {
    const id = 'arx5_multitask/2026-03-01_sweep';
    const path = `run_logs/${id}.md`;
    const before = readFileSync(join(l.main, path), 'utf8');
    const out = ResumeOutput.parse((await runlogOk(l.main, ['resume', id, '--from', 'shard 45', '--json'])).json);
    expect(out).toMatchObject({ heading: 'Job (resumed)', attempt: 24, state: 'pending', previousState: 'canceled' });
    const d = await diffLines(l.main, path);
    expect(d.removed).toEqual([]);
    const after = readFileSync(join(l.main, path), 'utf8');
    expect(after).toMatch(
      /- node: nid001322\n- resumed from: `shard 44`\n\n## Job \(resumed\)\n- execution_id: \(not submitted\)\n- attempt: 24\n- submitted: `[^`]+`\n- submitted_human: `[^`]+`\n- resumed from: `shard 45`\n\n## Status\n/,
    );
    expect(d.added.filter((x) => x.startsWith('- 20'))).toHaveLength(1);
    expect(d.added.at(-1)).toMatch(new RegExp(`^- ${STAMP} — pending — resumed as attempt 24 from shard 45$`));
    expect(
      after
        .replace(/\n## Job \(resumed\)\n- execution_id: \(not submitted\)\n(?:- .*\n)+\n/, '\n')
        .replace(`${d.added.at(-1)}\n`, ''),
    ).toBe(before);
    const shown = ShowOutput.parse((await runlogOk(l.main, ['show', id, '--json'])).json);
    expect(shown.jobs).toHaveLength(24);
    expect(shown.state).toBe('pending');
  });

  it('timeline --check finds the drifted weekday; rebuild fixes that line only and keeps heading and notes', async () => {
    const path = 'run_logs/arx5_multitask/timeline.md';
    const check = await runlog(l.main, ['timeline', '--check', '--json']);
    expect(check.code).toBe(1);
    expect(IndexOutput.parse(check.json).stale).toEqual([path]);

    const head = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    const out = IndexOutput.parse((await runlogOk(l.main, ['timeline', '--json'])).json);
    expect(out.stale).toEqual([path]);
    expect(await touched(l.main)).toEqual([path]);
    expect((await git(l.main, ['rev-parse', 'HEAD~1'])).trim()).toBe(head);
    const d = await diffLines(l.main, path);
    expect(d).toEqual({
      removed: ['2. `2026-02-21_train_front_cam.md` — Sunday, Feb 21st'],
      added: ['2. `2026-02-21_train_front_cam.md` — Saturday, Feb 21st'],
    });
    const text = readFileSync(join(l.main, path), 'utf8');
    expect(
      text.startsWith('# ARX5 Multitask Timeline\n\nRuns for the ARX5 multitask policy; dates are submission dates.\n'),
    ).toBe(true);
    expect(text.endsWith('\nNotes: the front-cam run was resubmitted many times (see its Job blocks).\n')).toBe(true);
    expect(text).not.toContain('eval_writeup');

    expect((await runlog(l.main, ['timeline', '--check'])).code).toBe(0);
  });

  it('experiments keeps unknown columns, the user’s order, verdicts and alignment; only stale cells change', async () => {
    const path = 'run_logs/cam_experiments/experiments.md';
    const before = readFileSync(join(l.main, path), 'utf8');
    const check = await runlog(l.main, ['experiments', '--check', '--json']);
    expect(check.code).toBe(1);
    expect(IndexOutput.parse(check.json).stale).toEqual([path]);

    IndexOutput.parse((await runlogOk(l.main, ['experiments', '--json'])).json);
    expect(await touched(l.main)).toEqual([path]);
    const d = await diffLines(l.main, path);
    expect(d.removed).toEqual([
      '| train_lr_sweep_2026-03-12  | pi0 base    | finetune | LR 1e-3 -> 5e-4       | 0.39    | 0.11    | 0.080 @step 10,000 |          | keep   | small improvement |',
      '| train_both_cams_2026-03-13 | pi0 base    | finetune | front + wrist         | 0.45    | —       | 0.31 @step 4,000   |          | queued |                   |',
    ]);
    expect(d.added).toEqual([
      '| train_lr_sweep_2026-03-12  | pi0 base    | finetune | LR 1e-3 -> 5e-4       | 0.39    | 0.11    | 0.080 @step 10,000 | 0.025    | keep   | small improvement |',
      '| train_both_cams_2026-03-13 | pi0 base    | finetune | front + wrist         | 0.45    | —       | 0.31 @step 4,000   |          | running |                   |',
    ]);
    const after = readFileSync(join(l.main, path), 'utf8');
    expect(after.split('\n').length).toBe(before.split('\n').length);
    expect((await runlog(l.main, ['experiments', '--check'])).code).toBe(0);
    // No table appears in folders without experiment runs.
    expect(await fileAt(l.main, 'HEAD', 'run_logs/arx5_multitask/experiments.md')).toBeNull();
  });

  it('every write reached the remote', async () => {
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
  });
});

describe('a flat runs/ folder with date-last names', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-real-runs-' });
    appendFileSync(join(l.main, 'runlog.config.yaml'), 'runs_dir: runs\n');
    await importLedger(l, 'runs-ledger/runs', 'runs');
  });
  afterAll(() => l?.cleanup());

  it('lists, shows and appends to a run with no group folder', async () => {
    const list = ListOutput.parse((await runlogOk(l.main, ['list', '--json'])).json);
    expect(list.runs.map((r) => [r.id, r.path, r.state, r.group])).toEqual([
      ['pretrain_2026-01-15', 'runs/pretrain_2026-01-15.md', 'running', null],
    ]);
    const shown = ShowOutput.parse((await runlogOk(l.main, ['show', 'pretrain_2026-01-15', '--json'])).json);
    expect(shown.jobs[0]!.fields['execution_id']).toBe('lm-vm-01/us-central1-a');
    await runlogOk(l.main, ['append', 'pretrain_2026-01-15', 'step 30k', '--step', '30000']);
    const d = await diffLines(l.main, 'runs/pretrain_2026-01-15.md');
    expect(d.removed).toEqual([]);
    expect(d.added).toHaveLength(1);
    expect((await runlog(l.main, ['timeline', '--check'])).code).toBe(0);
  });
});
