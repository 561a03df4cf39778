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

  it("runlog help [command] is the command's --help, as in git and gh; each topic says what it holds", async () => {
    const root = await runlog(l.main, ['help']);
    expect(root.code).toBe(0);
    expect(root.stdout).toMatch(/^TOPICS\n {2}campaign +Sweeps and campaigns/m);
    expect(root.stdout).toMatch(/^ {2}ckpt +Checkpoints:/m);
    const show = await runlog(l.main, ['help', 'show']);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/^USAGE\n {2}\$ runlog show RUN/m);
    const passport = await runlog(l.main, ['help', 'ckpt', 'passport']);
    expect(passport.code).toBe(0);
    expect(passport.stdout).toMatch(/\$ runlog ckpt passport/);
    const topic = await runlog(l.main, ['help', 'hero']);
    expect(topic.stdout).toMatch(/^Hero runs:/);
    expect(topic.stdout).toMatch(/hero link/);
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
