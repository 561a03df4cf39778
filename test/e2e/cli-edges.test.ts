// Contract edges outside any one command: unknown commands and dates that do not exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorOutput } from '../../src/schemas/output.js';
import { makeLedger, newRun, runlog, snapshotLedger, type TempLedger } from '../support/ledger.js';

describe('CLI contract edges', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-edges-' });
  });
  afterAll(() => l.cleanup());

  it('an unknown command is a usage error with a code and a hint, in both modes', async () => {
    const human = await runlog(l.main, ['nope']);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^error\[UNKNOWN_COMMAND\]: runlog has no command "nope"\nhint: .*--help/m);
    const json = await runlog(l.main, ['nope', '--json']);
    expect(json.code).toBe(2);
    expect(ErrorOutput.parse(json.json).error.code).toBe('UNKNOWN_COMMAND');
  });

  it('--at with a date that does not exist is refused and changes nothing', async () => {
    const id = await newRun(l.main, 'dates');
    const before = await snapshotLedger(l.main);
    const r = await runlog(l.main, ['append', id, 'x', '--at', '2026-02-30T10:00:00Z']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[BAD_TIME\]/m);
    expect(await snapshotLedger(l.main)).toEqual(before);
  });
});
