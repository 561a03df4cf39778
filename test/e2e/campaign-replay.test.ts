/**
 * A campaign launch is one operation, replayed like any other: launched in
 * a clone whose remote moved meanwhile, it is re-applied on the new head
 * from its frozen manifest and writes the same bytes. A large grid's
 * operation (its trailer is bigger than one argument may be) commits too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CampaignLaunchOutput, SyncOutput } from '../../src/schemas/output.js';
import { fileAt, git, makeLedger, newRun, runlogOk, type TempLedger } from '../support/ledger.js';
import { status, writeManifest } from '../support/campaigns.js';

let l: TempLedger;
beforeAll(async () => {
  l = await makeLedger({ clones: 2, prefix: 'runlog-campaign-replay-' });
});
afterAll(() => l?.cleanup());

describe('campaign launch on a moved remote', () => {
  it('is replayed from its frozen manifest: same id, same bytes, one commit on top of the other clone', async () => {
    const [a, b] = l.clones as [string, string];
    const seeds = Array.from({ length: 60 }, (_, i) => i).join(', ');
    const lrs = Array.from({ length: 10 }, (_, i) => `"${(i + 1) / 1000}"`).join(', ');
    writeManifest(
      a,
      'big.yaml',
      `name: big\ncommand: python train.py --lr {lr} --seed {seed} --tag long-enough-to-make-the-trailer-large\ngrid:\n  lr: [${lrs}]\n  seed: [${seeds}]\n`,
    );
    const launched = CampaignLaunchOutput.parse(
      (await runlogOk(a, ['campaign', 'launch', 'big.yaml', '--no-push', '--json'])).json,
    );
    expect(launched.runs).toHaveLength(600);
    const message = await git(a, ['log', '-1', '--format=%B']);
    expect(message.length).toBeGreaterThan(64 * 1024);
    const before = readFileSync(join(a, 'run_logs', launched.id, 'manifest.yaml'), 'utf8');

    await git(b, ['pull', '-q', 'origin', 'main']);
    await newRun(b, 'elsewhere');
    const synced = SyncOutput.parse((await runlogOk(a, ['sync', '--json'])).json);
    expect(synced.replayed).toBeGreaterThanOrEqual(1);
    const subjects = (await git(l.remote, ['log', '--format=%s', '-3', 'main'])).split('\n').filter(Boolean);
    expect(subjects[0]).toBe(`${launched.id}: launch campaign (600 runs)`);
    expect(subjects[1]).toMatch(/elsewhere: new experiment run/);
    expect(await fileAt(l.remote, 'main', `run_logs/${launched.id}/manifest.yaml`)).toBe(before);
    const { summary } = await status(a, launched.id);
    expect(summary.counts['pending']).toBe(600);
    expect(summary.runs.map((r) => r.entry).slice(0, 2)).toEqual(['lr0.001_seed0', 'lr0.001_seed1']);
  }, 120_000);
});
