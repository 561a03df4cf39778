/**
 * Bad input of every kind gets its documented exit code, an `error[CODE]` line
 * and a hint (or `{"error": {...}}` with --json), and leaves the ledger
 * byte-identical: same HEAD, same refs, clean status, same file bytes, same
 * remote.
 */
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorOutput } from '../../src/schemas/output.js';
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

interface Case {
  name: string;
  args: string[];
  exit: 1 | 2 | 4;
  code: string;
  /** The message or hint must say this (names the file, flag or value). */
  mentions?: RegExp;
}

const NEW = ['--type', 'experiment', '--objective', 'o'];

const CASES: Case[] = [
  // traversal and symlinks
  { name: 'ref ../x', args: ['append', '../x', 'm'], exit: 2, code: 'BAD_RUN_REF', mentions: /\.\./ },
  {
    name: 'absolute ref /etc/passwd',
    args: ['append', '/etc/passwd', 'm'],
    exit: 2,
    code: 'BAD_RUN_REF',
    mentions: /outside run_logs/,
  },
  { name: 'ref run_logs/../../x.md', args: ['append', 'run_logs/../../x.md', 'm'], exit: 2, code: 'BAD_RUN_REF' },
  {
    name: 'symlink leading outside, by id',
    args: ['append', '2026-01-01_evil', 'm'],
    exit: 2,
    code: 'BAD_RUN_REF',
    mentions: /symlink/,
  },
  {
    name: 'symlink leading outside, by path',
    args: ['append', 'run_logs/2026-01-01_evil.md', 'm'],
    exit: 2,
    code: 'BAD_RUN_REF',
    mentions: /symlink/,
  },
  { name: 'show through ../', args: ['show', '../../etc/passwd'], exit: 2, code: 'BAD_RUN_REF' },
  { name: 'history through ../', args: ['history', 'g/../../x'], exit: 2, code: 'BAD_RUN_REF' },
  // names that would reach paths, shells or commit subjects
  { name: 'task with ;', args: ['new', 'a;rm -rf x', ...NEW], exit: 2, code: 'BAD_NAME', mentions: /a;rm -rf x/ },
  { name: 'task $(id)', args: ['new', '$(id)', ...NEW], exit: 2, code: 'BAD_NAME' },
  { name: 'task with a space', args: ['new', 'a b', ...NEW], exit: 2, code: 'BAD_NAME' },
  { name: 'task with a newline', args: ['new', 'a\nb', ...NEW], exit: 2, code: 'BAD_NAME' },
  { name: 'task ..', args: ['new', '..', ...NEW], exit: 2, code: 'BAD_NAME' },
  { name: 'group ../up', args: ['new', 'ok', ...NEW, '--group', '../up'], exit: 2, code: 'BAD_NAME' },
  { name: 'group with a space', args: ['new', 'ok', ...NEW, '--group', 'a b'], exit: 2, code: 'BAD_NAME' },
  { name: 'group $(id)', args: ['new', 'ok', ...NEW, '--group', '$(id)'], exit: 2, code: 'BAD_NAME' },
  { name: 'group ;rm', args: ['new', 'ok', ...NEW, '--group', 'a;rm -rf x'], exit: 2, code: 'BAD_NAME' },
  { name: 'absolute group', args: ['new', 'ok', ...NEW, '--group', '/abs'], exit: 2, code: 'BAD_NAME' },
  { name: 'group ..', args: ['new', 'ok', ...NEW, '--group', '..'], exit: 2, code: 'BAD_NAME' },
  // unknown flags, missing arguments and flags
  {
    name: 'unknown flag on append',
    args: ['append', '2026-03-23_eval', 'm', '--bogus'],
    exit: 2,
    code: 'UNKNOWN_FLAG',
    mentions: /--bogus/,
  },
  { name: 'unknown flag on new', args: ['new', 'ok', ...NEW, '--colour', 'red'], exit: 2, code: 'UNKNOWN_FLAG' },
  { name: 'unknown flag on list', args: ['list', '--nope'], exit: 2, code: 'UNKNOWN_FLAG' },
  {
    name: 'mistyped flag',
    args: ['append', '2026-03-23_eval', 'm', '--stat', 'running'],
    exit: 2,
    code: 'UNKNOWN_FLAG',
    mentions: /Did you mean "--state"/,
  },
  {
    name: 'mistyped command',
    args: ['apend', '2026-03-23_eval', 'm'],
    exit: 2,
    code: 'UNKNOWN_COMMAND',
    mentions: /Did you mean "append"/,
  },
  {
    name: 'help for no command',
    args: ['help', 'sael'],
    exit: 2,
    code: 'UNKNOWN_COMMAND',
    mentions: /Did you mean "seal"/,
  },
  {
    name: 'append without a message',
    args: ['append', '2026-03-23_eval'],
    exit: 2,
    code: 'MISSING_ARGUMENT',
    mentions: /message/,
  },
  { name: 'append without arguments', args: ['append'], exit: 2, code: 'MISSING_ARGUMENT' },
  { name: 'new without a task', args: ['new', ...NEW], exit: 2, code: 'MISSING_ARGUMENT', mentions: /task/ },
  { name: 'show without a run', args: ['show'], exit: 2, code: 'MISSING_ARGUMENT' },
  {
    name: 'new without --objective',
    args: ['new', 'ok', '--type', 'experiment'],
    exit: 2,
    code: 'MISSING_FLAG',
    mentions: /--objective/,
  },
  {
    name: 'fail without --class/--reason',
    args: ['fail', '2026-03-23_eval'],
    exit: 2,
    code: 'MISSING_FLAG',
    mentions: /--class/,
  },
  {
    name: 'too many arguments',
    args: ['append', '2026-03-23_eval', 'two', 'words'],
    exit: 2,
    code: 'UNEXPECTED_ARGUMENT',
  },
  // malformed values
  {
    name: '--metric loss',
    args: ['append', '2026-03-23_eval', 'm', '--metric', 'loss'],
    exit: 2,
    code: 'BAD_METRIC',
    mentions: /loss/,
  },
  { name: '--metric =1', args: ['append', '2026-03-23_eval', 'm', '--metric', '=1'], exit: 2, code: 'BAD_METRIC' },
  {
    name: '--metric loss=abc',
    args: ['append', '2026-03-23_eval', 'm', '--metric', 'loss=abc'],
    exit: 2,
    code: 'BAD_METRIC',
    mentions: /loss=abc/,
  },
  {
    name: 'complete --metric loss=',
    args: ['complete', '2026-03-23_eval', '--metric', 'loss='],
    exit: 2,
    code: 'BAD_METRIC',
  },
  {
    name: '--at yesterday',
    args: ['append', '2026-03-23_eval', 'm', '--at', 'yesterday'],
    exit: 2,
    code: 'BAD_TIME',
    mentions: /--at/,
  },
  {
    name: '--at 2026-13-01',
    args: ['append', '2026-03-23_eval', 'm', '--at', '2026-13-01T00:00:00Z'],
    exit: 2,
    code: 'BAD_TIME',
  },
  {
    name: '--step abc',
    args: ['append', '2026-03-23_eval', 'm', '--step', 'abc'],
    exit: 2,
    code: 'BAD_FLAG',
    mentions: /--step/,
  },
  { name: '--step -3', args: ['append', '2026-03-23_eval', 'm', '--step', '-3'], exit: 2, code: 'BAD_FLAG' },
  { name: '--date 2026-13-45', args: ['new', 'ok', ...NEW, '--date', '2026-13-45'], exit: 2, code: 'BAD_DATE' },
  {
    name: '--type bogus',
    args: ['new', 'ok', '--type', 'bogus', '--objective', 'o'],
    exit: 2,
    code: 'BAD_FLAG',
    mentions: /replication/,
  },
  { name: 'list --state bogus', args: ['list', '--state', 'bogus'], exit: 2, code: 'BAD_FLAG' },
  {
    name: 'fail --class bogus',
    args: ['fail', '2026-03-23_eval', '--class', 'bogus', '--reason', 'r'],
    exit: 2,
    code: 'BAD_FLAG',
    mentions: /oom_gpu/,
  },
  {
    name: 'complete with a non-zero exit code',
    args: ['complete', '2026-03-23_eval', '--exit-code', '3'],
    exit: 2,
    code: 'NONZERO_EXIT',
    mentions: /runlog fail/,
  },
  // the lifecycle
  {
    name: 'unknown state name',
    args: ['append', '2026-03-23_eval', 'm', '--state', 'flying'],
    exit: 2,
    code: 'BAD_STATE',
    mentions: /running/,
  },
  {
    name: 'completed -> running',
    args: ['append', '2026-03-20_done', 'm', '--state', 'running'],
    exit: 1,
    code: 'ILLEGAL_TRANSITION',
    mentions: /completed/,
  },
  {
    name: 'complete a completed run with nothing to amend',
    args: ['complete', '2026-03-20_done'],
    exit: 2,
    code: 'NOTHING_TO_AMEND',
    mentions: /--metric/,
  },
  {
    name: 'pending -> completed',
    args: ['complete', '2026-03-23_eval'],
    exit: 1,
    code: 'ILLEGAL_TRANSITION',
    mentions: /running/,
  },
  {
    name: 'cancel a completed run',
    args: ['cancel', '2026-03-20_done', '--reason', 'r'],
    exit: 1,
    code: 'ILLEGAL_TRANSITION',
    mentions: /runlog complete/,
  },
  {
    name: 'fail a completed run',
    args: ['fail', '2026-03-20_done', '--class', 'oom_gpu', '--reason', 'r'],
    exit: 1,
    code: 'RUN_COMPLETED',
    mentions: /runlog append/,
  },
  // broken run logs
  {
    name: 'append to a run log without ## Status',
    args: ['append', '2026-03-21_nostatus', 'm'],
    exit: 1,
    code: 'BROKEN_RUN_LOG',
    mentions: /2026-03-21_nostatus\.md:\d+/,
  },
  {
    name: 'complete a run log without ## Status',
    args: ['complete', '2026-03-21_nostatus'],
    exit: 1,
    code: 'BROKEN_RUN_LOG',
  },
  {
    name: 'append to a run log with invalid front matter',
    args: ['append', '2026-03-21_badfm', 'm'],
    exit: 1,
    code: 'BROKEN_RUN_LOG',
    mentions: /front matter/,
  },
  {
    name: 'fail a run log with invalid front matter',
    args: ['fail', '2026-03-21_badfm', '--class', 'unknown', '--reason', 'r'],
    exit: 1,
    code: 'BROKEN_RUN_LOG',
  },
  // not found, ambiguous, existing
  { name: 'unknown run', args: ['append', 'nope', 'm'], exit: 4, code: 'RUN_NOT_FOUND', mentions: /nope/ },
  { name: 'unknown run (show)', args: ['show', '2026-03-24_nope'], exit: 4, code: 'RUN_NOT_FOUND' },
  { name: 'unknown run (history)', args: ['history', 'nope'], exit: 4, code: 'RUN_NOT_FOUND' },
  { name: 'missing run file path', args: ['append', 'run_logs/2026-03-24_x.md', 'm'], exit: 4, code: 'RUN_NOT_FOUND' },
  {
    name: 'ambiguous suffix',
    args: ['append', 'train', 'm'],
    exit: 2,
    code: 'AMBIGUOUS_RUN',
    mentions: /g\/2026-03-22_train/,
  },
  {
    name: 'run that exists already',
    args: ['new', 'train', ...NEW, '--date', '2026-03-22'],
    exit: 1,
    code: 'RUN_EXISTS',
  },
  { name: 'no ledger there', args: ['list', '--ledger', '/nonexistent-ledger-dir'], exit: 4, code: 'NO_LEDGER' },
];

describe('bad input changes nothing and says what to do', () => {
  let l: TempLedger;

  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-bad-' });
    const m = l.main;
    await newRun(m, 'eval', { type: 'pipeline', date: '2026-03-23' });
    await newRun(m, 'train', { date: '2026-03-22' });
    await newRun(m, 'train', { date: '2026-03-22', group: 'g' });
    const done = await newRun(m, 'done', { date: '2026-03-20' });
    await runlogOk(m, ['append', done, 'job started', '--state', 'running']);
    await runlogOk(m, ['complete', done, '--summary', 'fine']);
    // Hand-broken files, committed as a person would.
    for (const [task, breakIt] of [
      ['nostatus', (t: string) => t.replace('## Status\n', '')],
      ['badfm', (t: string) => t.replace(/^state: pending$/m, 'state: [pending')],
    ] as const) {
      const id = await newRun(m, task, { date: '2026-03-21' });
      const file = join(m, 'run_logs', `${id}.md`);
      const broken = breakIt(readFileSync(file, 'utf8'));
      expect(broken).not.toBe(readFileSync(file, 'utf8'));
      writeFileSync(file, broken);
    }
    writeFileSync(join(l.base, 'outside.md'), '# not a run\n\n## Status\n- 2026-01-01 00:00 UTC — pending — x\n');
    symlinkSync(join(l.base, 'outside.md'), join(m, 'run_logs', '2026-01-01_evil.md'));
    await git(m, ['add', '-A']);
    await git(m, ['commit', '-q', '-m', 'hand edits']);
    await git(m, ['push', '-q', 'origin', 'HEAD:main']);
  });

  afterAll(() => l?.cleanup());

  it.each(CASES)('$name → exit $exit $code', async (c) => {
    const before = await snapshotLedger(l.main);
    const remoteBefore = (await git(l.remote, ['rev-parse', 'main'])).trim();

    // Both forms at once: neither may write, and the snapshot below would catch one that did.
    const [human, json] = await Promise.all([runlog(l.main, c.args), runlog(l.main, [...c.args, '--json'])]);
    expect(human.code, human.stderr).toBe(c.exit);
    expect(human.stdout).toBe('');
    const err = stderrError(human.stderr);
    expect(err, human.stderr).not.toBeNull();
    expect(err!.code).toBe(c.code);
    expect(err!.hint.length).toBeGreaterThan(5);
    if (c.mentions) expect(`${err!.message} ${err!.hint}`).toMatch(c.mentions);

    expect(json.code, json.stdout + json.stderr).toBe(c.exit);
    const out = ErrorOutput.parse(json.json);
    expect(out.error.code).toBe(c.code);
    expect(out.error.message).toBe(err!.message);
    expect(out.error.hint).toBe(err!.hint);
    expect(json.stderr).not.toMatch(/^error\[/m);

    expect(await snapshotLedger(l.main)).toEqual(before);
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(remoteBefore);
  });

  it('an ambiguous ref lists the candidates in --json', async () => {
    const r = await runlog(l.main, ['show', 'train', '--json']);
    expect(r.code).toBe(2);
    expect(ErrorOutput.parse(r.json).error['candidates']).toEqual(['2026-03-22_train', 'g/2026-03-22_train']);
  });
});
