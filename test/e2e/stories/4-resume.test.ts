/**
 * Story 4: train further from a checkpoint. `resume --from` checks the
 * checkpoint the way a launch does (exists, metadata.json, numeric step)
 * before writing anything, prints the command that launches the resumed
 * attempt, and the job receives the checkpoint: in RUNLOG_INIT_FROM and
 * wherever its command says `{init_from}`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { snapshotLedger } from '../../support/ledger.js';
import { expectAllPushed, expectIndexesCurrent, plain, pollUntil, show, story, type Story } from './support.js';

let s: Story;
afterEach(() => s?.cleanup());

it('resume from a checkpoint → the job receives it', async () => {
  s = await story('resume', { trainScript: true });
  const id = (
    (
      await s.ok([
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'walltime-limited',
        '--script',
        'train.mjs',
        '--date',
        '2026-03-22',
        '--json',
      ])
    ).json as { id: string }
  ).id;
  await s.ok(['submit', id, '--', 'node', 'train.mjs', '--steps', '10', '--sleep-ms', '20', '--ckpt-every', '5']);
  const first = await pollUntil(s, id, (st) => st === 'completed');
  const ckpt = join(plain(first.jobs.at(-1)!.fields['output_dir']), 'checkpoints', 'step-10');

  // A checkpoint that is not there, or not complete, is refused before anything is written.
  const before = await snapshotLedger(s.dir);
  const missing = await s.cli(['resume', id, '--from', join(s.l.base, 'nope', 'step-99')]);
  expect(missing.code).toBe(3);
  expect(missing.stderr).toMatch(/^error\[CHECKPOINT_NOT_FOUND\]/m);
  const partial = join(s.l.base, 'partial', 'step-20');
  mkdirSync(partial, { recursive: true });
  const incomplete = await s.cli(['resume', id, '--from', partial]);
  expect(incomplete.code).toBe(3);
  expect(incomplete.stderr).toMatch(/^error\[CHECKPOINT_INCOMPLETE\]/m);
  expect(await snapshotLedger(s.dir)).toEqual(before);

  const resumed = await s.ok(['resume', id, '--from', ckpt]);
  expect(resumed.stdout).toContain(`runlog submit ${id} -- `);
  expect(resumed.stdout).toContain('{init_from}');
  let shown = await show(s, id);
  expect(shown.jobs.at(-1)!.heading).toBe('Job (resumed)');
  expect(plain(shown.jobs.at(-1)!.fields['resumed from'])).toContain(ckpt);
  expect(shown.next[0]).toContain(`runlog submit ${id} -- `);

  await s.ok([
    'submit',
    id,
    '--',
    'node',
    'train.mjs',
    '--steps',
    '14',
    '--sleep-ms',
    '20',
    '--ckpt-every',
    '5',
    '--init-from',
    '{init_from}',
  ]);
  const done = await pollUntil(s, id, (st) => st === 'completed');
  const job = done.jobs.at(-1)!.fields;
  expect(done.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (resumed)']);
  const log = readFileSync(plain(job['output_log']), 'utf8');
  expect(log).toContain(`RUNLOG_INIT_FROM=${ckpt}`);
  expect(log).toContain(`resuming from ${ckpt} at step 11`);
  expect(log).not.toMatch(/^step=1 /m);
  expect(plain(job['initialize_from'])).toContain(ckpt);
  expect(plain(job['command'])).toContain(`--init-from ${ckpt}`);
  expect(done.results?.['final step']).toBe('14');
  expect(plain(done.results?.['checkpoint'])).toContain(join(plain(job['output_dir']), 'checkpoints', 'step-14'));

  // The newest complete checkpoint is the resumed attempt's last one.
  const pick = (await s.ok(['ckpt', 'pick', id, '--json'])).json as { checkpoint: { path: string; step: number } };
  expect(pick.checkpoint.step).toBe(14);
  shown = await show(s, id);
  expect(shown.state).toBe('completed');
  await expectIndexesCurrent(s);
  await expectAllPushed(s);
});
