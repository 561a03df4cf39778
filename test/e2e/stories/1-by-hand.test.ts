/**
 * Story 1: a run recorded by hand. The user launches the job themselves and
 * tells runlog what happened; runlog keeps the run log, the timeline and the
 * experiments table, says what to do next at every step, and takes the
 * finished run through passport, signoff, publication and a seal tag.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { git, snapshotLedger } from '../../support/ledger.js';
import {
  expectAllPushed,
  expectIndexesCurrent,
  plain,
  remoteFile,
  remoteTags,
  show,
  story,
  type Story,
} from './support.js';

let s: Story;
afterEach(() => s?.cleanup());

it('new → append → complete → amend results → passport → signoff → publish → seal', async () => {
  s = await story('by-hand');
  const ckpt = join(s.l.base, 'scratch', 'ckpt', 'step-200');
  mkdirSync(ckpt, { recursive: true });
  writeFileSync(join(ckpt, 'model.safetensors'), Buffer.alloc(4096, 7));
  writeFileSync(join(ckpt, 'metadata.json'), JSON.stringify({ step: 200 }));

  const id = (
    (
      await s.ok([
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'front cam, default LR',
        '--group',
        'arx5',
        '--date',
        '2026-03-22',
        '--json',
      ])
    ).json as { id: string }
  ).id;
  expect(id).toBe('arx5/2026-03-22_train');
  // The timeline is a list of links in the hand-kept format, and both indexes are current.
  expect(readFileSync(join(s.dir, 'run_logs/arx5/timeline.md'), 'utf8')).toContain(
    '1. [`2026-03-22_train.md`](2026-03-22_train.md) — Sunday, Mar 22nd',
  );
  await expectIndexesCurrent(s);
  let shown = await show(s, id);
  expect(shown.next.join('\n')).toMatch(/runlog submit arx5\/2026-03-22_train/);
  expect(shown.next.join('\n')).toMatch(/--state running/);

  await s.ok(['append', id, 'job 4242 started', '--state', 'running']);
  shown = await show(s, id);
  expect(shown.next.join('\n')).toMatch(/runlog complete arx5\/2026-03-22_train/);
  expect(shown.next.join('\n')).not.toMatch(/runlog submit/);
  await s.ok(['append', id, 'loss falling', '--step', '100', '--metric', 'train_loss=1.5', '--metric', 'val_loss=1.6']);
  await s.ok([
    'append',
    id,
    'still falling',
    '--step',
    '200',
    '--metric',
    'train_loss=0.9',
    '--metric',
    'val_loss=0.95',
  ]);

  const done = await s.cli([
    'complete',
    id,
    '--final-step',
    '200',
    '--checkpoint',
    ckpt,
    '--summary',
    'smooth descent, no spikes',
    '--json',
  ]);
  expect(done.code, done.stderr).toBe(0);
  shown = await show(s, id);
  expect(shown.state).toBe('completed');
  expect(plain(shown.results?.['checkpoint'])).toBe(ckpt);
  expect(plain(shown.results?.['end_train_loss'])).toBe('0.9');
  expect(plain(shown.results?.['end_val_loss'])).toBe('0.95');
  expect(shown.next[0]).toContain(`runlog ckpt passport ${ckpt}`);
  expect(shown.next.join('\n')).not.toMatch(/submit the job/);
  // The experiments row links to the run log and carries the final val_loss.
  const experiments = readFileSync(join(s.dir, 'run_logs/arx5/experiments.md'), 'utf8');
  expect(experiments).toMatch(
    /\| \[2026-03-22_train\]\(2026-03-22_train\.md\) \| front cam, default LR \| 0\.95 \| completed \|/,
  );
  await expectIndexesCurrent(s);

  // An eval after completion amends Results: no new state, one note saying what changed.
  const amend = await s.cli([
    'complete',
    id,
    '--metric',
    'eval_accuracy=0.91',
    '--summary',
    'smooth descent; 91% on the held-out set',
    '--json',
  ]);
  expect(amend.code, amend.stderr).toBe(0);
  expect(amend.json).toMatchObject({ state: 'completed', previousState: 'completed' });
  shown = await show(s, id);
  expect(shown.status.filter((e) => e.state === 'completed')).toHaveLength(1);
  expect(shown.status.at(-1)!.message).toMatch(/^results amended: .*eval_accuracy/);
  expect(plain(shown.results?.['eval_accuracy'])).toBe('0.91');
  expect(shown.results?.['loss_one_liner']).toBe('smooth descent; 91% on the held-out set');
  expect(plain(shown.results?.['checkpoint'])).toBe(ckpt);
  // The same amendment again (an agent retrying) changes nothing and says so; `fail` on a completed run is refused.
  const before = await snapshotLedger(s.dir);
  const again = await s.cli(['complete', id, '--metric', 'eval_accuracy=0.91']);
  expect(again.code, again.stderr).toBe(0);
  expect(again.stdout).toMatch(/already completed with these results; nothing changed/);
  const failed = await s.cli(['fail', id, '--class', 'oom_gpu', '--reason', 'late']);
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/^error\[RUN_COMPLETED\]: .*\nhint: .*runlog complete/m);
  expect(await snapshotLedger(s.dir)).toEqual(before);
  // A hand-recorded, finished run with its checkpoint is clean for lint.
  const lint = await s.cli(['lint', id, '--json']);
  expect(lint.code, lint.stdout).toBe(0);
  expect((lint.json as { findings: unknown[] }).findings).toEqual([]);

  const head = (await git(s.dir, ['rev-parse', 'HEAD'])).trim();
  await s.ok(['ckpt', 'passport', ckpt, '--run', id, '--commit', head]);
  shown = await show(s, id);
  expect(shown.next[0]).toContain(`runlog ckpt signoff ${ckpt}`);

  const signed = await s.ok(['ckpt', 'signoff', ckpt, '--verdict', 'pass', '--by', 'Ada Lovelace', '--json']);
  expect((signed.json as { verdict: string }).verdict).toBe('pass');
  const signoff = JSON.parse(readFileSync(join(ckpt, 'SIGNOFF.json'), 'utf8')) as { signed_by: Record<string, string> };
  expect(signoff.signed_by).toMatchObject({ tool: 'runlog', name: 'Ada Lovelace' });
  expect(readFileSync(join(s.dir, 'run_logs', `${id}.md`), 'utf8')).toMatch(/signed off by Ada Lovelace/);
  shown = await show(s, id);
  expect(shown.next.join('\n')).toMatch(/may proceed/);
  expect(shown.next.join('\n')).toMatch(/runlog seal arx5\/2026-03-22_train/);

  const pkg = join(s.l.base, 'release');
  const pub = await s.ok(['publish', id, '--out', pkg, '--json']);
  expect((pub.json as { files: string[] }).files.map((f) => f.split('/').pop())).toEqual(
    expect.arrayContaining(['MODEL_PASSPORT.json', 'SIGNOFF.json', 'TRAINING_LOG.md']),
  );
  const published = readFileSync(join(pkg, 'TRAINING_LOG.md'), 'utf8');
  expect(published).toContain('eval_accuracy');
  expect(published).toContain('Ada Lovelace');
  expect((await s.cli(['publish', '--check', pkg])).code).toBe(0);

  const seal = await s.ok(['seal', id, '--json']);
  expect(seal.json as { tag: string; tagPushed: boolean }).toMatchObject({ tag: `seal/${id}`, tagPushed: true });
  expect(await remoteTags(s)).toContain(`seal/${id}`);
  shown = await show(s, id);
  expect(shown.next.join('\n')).toMatch(/sealed/);

  await expectIndexesCurrent(s);
  expect((await s.cli(['lint'])).code).toBe(0);
  await expectAllPushed(s);
  expect(await remoteFile(s, `run_logs/${id}.md`)).toContain('results amended');
});
