/**
 * A person's uncommitted edit to a run log is never swept into runlog's commit: the write is
 * refused and changes nothing, however the edit was made, also right after runlog's own commit
 * (when runlog knows the file is clean without asking git, see src/git/clean-proof.ts).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

describe('uncommitted edits in a run log', () => {
  let l: TempLedger;
  let run: string;
  let file: string;

  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-edits-' });
    run = await newRun(l.main, 'train');
    file = join(l.main, 'run_logs', `${run}.md`);
    await runlogOk(l.main, ['append', run, 'first', '--no-push']);
  });
  afterAll(() => l?.cleanup());

  const refused = async (what: string) => {
    const before = await snapshotLedger(l.main);
    const r = await runlog(l.main, ['append', run, `after ${what}`, '--no-push']);
    expect(r.code, what).toBe(1);
    expect(stderrError(r.stderr)?.code, what).toBe('UNCOMMITTED_CHANGES');
    expect(await snapshotLedger(l.main), what).toEqual(before);
  };

  it('refuses after an edit that adds a line, one that keeps the size, and a staged one; appends again once committed', async () => {
    appendFileSync(file, '- a note of mine\n');
    await refused('an added line');
    await git(l.main, ['checkout', '-q', '--', `run_logs/${run}.md`]);
    await runlogOk(l.main, ['append', run, 'clean again', '--no-push']);

    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('first', 'FIRST'));
    await refused('a same-size edit');
    await git(l.main, ['add', `run_logs/${run}.md`]);
    await refused('a staged edit');
    await git(l.main, ['commit', '-q', '-m', 'my edit']);
    const r = await runlogOk(l.main, ['append', run, 'after my commit', '--no-push', '--json']);
    expect((r.json as { commit: string }).commit).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
    expect(readFileSync(file, 'utf8')).toContain('FIRST');
  });
});
