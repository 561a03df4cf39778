/**
 * Story 3: a run fails, Next says what to do, and the user does it. A GPU
 * OOM is never retried blindly: Next asks for a fixed command and names
 * `runlog retry … -- <fixed command>`; the fixed attempt completes and the
 * run no longer answers to the old failure class. A request that cannot
 * pass preflight (a script that does not exist) is not a dead end either:
 * `--dry-run` says why without writing, and `retry --script` fixes the
 * recorded request, with no empty Job block left by the failed tries.
 */
import { afterEach, expect, it } from 'vitest';
import { snapshotLedger } from '../../support/ledger.js';
import { expectAllPushed, expectIndexesCurrent, plain, pollUntil, show, story, type Story } from './support.js';

let s: Story;
afterEach(() => s?.cleanup());

const listed = async (cls: string) =>
  ((await s.ok(['list', '--class', cls, '--json'])).json as { runs: { id: string }[] }).runs.map((r) => r.id);

it('failure → Next says retry with a fix → retry with a fixed command → completed, failure class cleared', async () => {
  s = await story('failure', { trainScript: true });
  const id = (
    (
      await s.ok([
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'big batch',
        '--script',
        'train.mjs',
        '--date',
        '2026-03-22',
        '--json',
      ])
    ).json as { id: string }
  ).id;
  await s.ok([
    'submit',
    id,
    '--',
    'node',
    'train.mjs',
    '--steps',
    '6',
    '--sleep-ms',
    '20',
    '--fail-at',
    '3',
    '--fail-with',
    'oom_gpu',
  ]);
  const failed = await pollUntil(s, id, (st) => st === 'command_failed');
  expect(failed.failureClass).toBe('oom_gpu');
  expect(await listed('oom_gpu')).toEqual([id]);
  const next = failed.next.join('\n');
  expect(next).toContain(`runlog retry ${id} -- `);
  expect(next).toMatch(/oom_gpu/);
  expect(next).not.toMatch(/submit the job|review Results/);

  await s.ok(['retry', id, '--', 'node', 'train.mjs', '--steps', '6', '--sleep-ms', '20']);
  const done = await pollUntil(s, id, (st) => st === 'completed');
  expect(done.failureClass).toBeNull();
  expect(await listed('oom_gpu')).toEqual([]);
  expect(done.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
  // Runtime of each attempt and the total.
  expect(plain(done.results?.['runtime'])).toMatch(/^\d\d:\d\d:\d\d/);
  expect(done.results?.['runtime_per_attempt']).toMatch(/^1: \d\d:\d\d:\d\d, 2: \d\d:\d\d:\d\d$/);
  expect(done.results?.['final step']).toBe('6');
  await expectIndexesCurrent(s);
  await expectAllPushed(s);
});

it('a request that fails preflight: dry run writes nothing, retry --script fixes it, no empty Job blocks', async () => {
  s = await story('dead-end', { trainScript: true });
  const id = (
    (
      await s.ok([
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'typo in the script',
        '--script',
        'trian.mjs',
        '--date',
        '2026-03-22',
        '--json',
      ])
    ).json as { id: string }
  ).id;
  const command = ['node', 'train.mjs', '--steps', '4', '--sleep-ms', '20'];

  const before = await snapshotLedger(s.dir);
  const dry = await s.cli(['submit', id, '--dry-run', '--', ...command]);
  expect(dry.code).toBe(3);
  expect(dry.stdout + dry.stderr).toContain('trian.mjs');
  expect(await snapshotLedger(s.dir)).toEqual(before);

  expect((await s.cli(['submit', id, '--', ...command])).code).toBe(3);
  let shown = await show(s, id);
  expect(shown.state).toBe('validation_failed');
  expect(shown.next.join('\n')).toMatch(/--script/);

  // Retrying the same request fails the same way and leaves no empty Job block behind.
  expect((await s.cli(['retry', id, '--', ...command])).code).toBe(3);
  shown = await show(s, id);
  expect(shown.jobs.map((j) => j.heading)).toEqual(['Job']);

  const fixed = await s.cli(['retry', id, '--script', 'train.mjs', '--', ...command]);
  expect(fixed.code, fixed.stderr).toBe(0);
  shown = await show(s, id);
  expect(plain(shown.config['script'])).toBe('train.mjs');
  expect(shown.status.some((e) => /request updated: script .*trian\.mjs.* → .*train\.mjs/.test(e.message))).toBe(true);
  const done = await pollUntil(s, id, (st) => st === 'completed');
  expect(done.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
  expect(plain(done.jobs.at(-1)!.fields['execution_id'])).not.toMatch(/not submitted/);
  await expectIndexesCurrent(s);
  await expectAllPushed(s);
});
