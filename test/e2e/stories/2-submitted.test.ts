/**
 * Story 2: runlog launches the job and finishes the run itself. After a dry
 * run that writes nothing, the job runs, saves checkpoints under the output
 * dir runlog gave it, and a poll records the completion: Results carry the
 * final checkpoint found there, metrics from the final step, and a runtime;
 * the finished run then goes through passport, signoff, publish and seal
 * without any hand edit.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { snapshotLedger } from '../../support/ledger.js';
import {
  expectAllPushed,
  expectIndexesCurrent,
  plain,
  pollUntil,
  remoteTags,
  show,
  story,
  type Story,
} from './support.js';

let s: Story;
afterEach(() => s?.cleanup());

it('submit → auto-complete with checkpoints → passport → signoff → publish → seal', async () => {
  s = await story('submitted', { trainScript: true });
  const id = (
    (
      await s.ok([
        'new',
        'train',
        '--type',
        'experiment',
        '--objective',
        'tiny run',
        '--script',
        'train.mjs',
        '--date',
        '2026-03-22',
        '--json',
      ])
    ).json as { id: string }
  ).id;
  const command = ['node', 'train.mjs', '--steps', '12', '--sleep-ms', '20', '--ckpt-every', '5'];

  // A dry run checks everything and writes nothing.
  const before = await snapshotLedger(s.dir);
  const dry = await s.cli(['submit', id, '--dry-run', '--', ...command]);
  expect(dry.code, dry.stderr).toBe(0);
  expect(dry.stdout).toMatch(/preflight/i);
  expect(await snapshotLedger(s.dir)).toEqual(before);

  await s.ok(['submit', id, '--json', '--', ...command]);
  const done = await pollUntil(s, id, (st) => st === 'completed');
  const job = done.jobs.at(-1)!.fields;
  const outputDir = plain(job['output_dir']);
  const log = readFileSync(plain(job['output_log']), 'utf8');
  const losses = [...log.matchAll(/^step=(\d+) loss=([\d.]+)/gm)].map((m) => [Number(m[1]), m[2]!] as const);
  expect(losses.at(-1)![0]).toBe(12);

  // Results: the newest complete checkpoint under the job's output dir, metrics of the final step.
  const ckpt = join(outputDir, 'checkpoints', 'step-12');
  expect(plain(done.results?.['checkpoint'])).toBe(`${ckpt} (found under ${outputDir})`);
  expect(done.results?.['final step']).toBe('12');
  expect(plain(done.results?.['start_train_loss'])).toBe(losses[0]![1]);
  expect(plain(done.results?.['end_train_loss'])).toBe(losses.at(-1)![1]);
  expect(plain(done.results?.['runtime'])).toMatch(/^\d\d:\d\d:\d\d/);
  // The Job block reads well: one shell-quoted command line, human durations, each fact once.
  expect(plain(job['command'])).toBe(command.join(' '));
  expect(job['timeout']).toBe('72h');
  expect(job['heartbeat']).toMatch(/^\d+[smh]$/);
  const text = readFileSync(join(s.dir, 'run_logs', `${id}.md`), 'utf8');
  const jobBlock = text.slice(text.indexOf('## Job'), text.indexOf('## Status'));
  expect(jobBlock).not.toMatch(/ ms\b/);
  expect(jobBlock.match(/^- end:/gm)).toHaveLength(1);
  expect(jobBlock).not.toMatch(/^- ended_at:/m);
  // The loss line is about the loss, not the exit file.
  expect(done.results?.['loss_one_liner']).not.toMatch(/exit\.json/);
  expect(done.next[0]).toContain(`runlog ckpt passport ${ckpt}`);
  const lint = await s.cli(['lint', id, '--json']);
  expect(lint.code, lint.stdout).toBe(0);
  expect((lint.json as { findings: unknown[] }).findings).toEqual([]);
  await expectIndexesCurrent(s);

  // The checkpoint's run is found from the Job block: no --run, no --commit.
  await s.ok(['ckpt', 'passport', ckpt]);
  const signed = await s.ok(['ckpt', 'signoff', ckpt, '--verdict', 'pass', '--json']);
  expect((signed.json as { run: string }).run).toBe(id);
  // Without --by, the signoff names the person from git's user.name.
  expect(
    (JSON.parse(readFileSync(join(ckpt, 'SIGNOFF.json'), 'utf8')) as { signed_by: { name?: string } }).signed_by.name,
  ).toBe('Runlog Test');
  expect((await show(s, id)).next.join('\n')).toMatch(/may proceed/);

  const pkg = join(s.l.base, 'release');
  await s.ok(['publish', id, '--out', pkg]);
  const published = readFileSync(join(pkg, 'TRAINING_LOG.md'), 'utf8');
  expect(published).toContain(losses.at(-1)![1]);
  expect(published).not.toContain(s.dir);
  expect((await s.cli(['publish', '--check', pkg])).code).toBe(0);

  const seal = await s.ok(['seal', id, '--json']);
  expect(seal.json as { tag: string; tagPushed: boolean }).toMatchObject({ tag: `seal/${id}`, tagPushed: true });
  expect(await remoteTags(s)).toContain(`seal/${id}`);
  await expectIndexesCurrent(s);
  await expectAllPushed(s);
});
