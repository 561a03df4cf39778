/**
 * A researcher changes the learning rate and the training code, launches a
 * second run, and asks what changed: `runlog diff` over two real launches
 * (local executor), then over a hand-kept run whose fields come from
 * someone else's clone.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffOutput, type DiffResult } from '../../src/schemas/output.js';
import { git, newRun, runlog, runlogOk, snapshotLedger, stderrError } from '../support/ledger.js';
import { jobLedger, pollUntil, submit, train, type JobLedger } from '../support/jobs.js';

const section = (d: DiffResult, name: string) => d.sections.find((s) => s.name === name)!;
const change = (d: DiffResult, name: string, key: string) => section(d, name).changes.find((c) => c.key === key);

async function diff(dir: string, a: string, b: string): Promise<DiffResult> {
  return DiffOutput.parse((await runlogOk(dir, ['diff', a, b, '--json'])).json);
}

describe('runlog diff', () => {
  let j: JobLedger;
  let dir: string;
  let first: string;
  let second: string;
  let shaA: string;
  let shaB: string;
  beforeAll(async () => {
    j = await jobLedger();
    dir = j.dir;
    mkdirSync(join(dir, 'configs'));
    writeFileSync(
      join(dir, 'configs', 'a.json'),
      JSON.stringify({ steps: 4, lr: 0.0003, optimizer: { name: 'adamw', betas: [0.9, 0.95] } }),
    );
    writeFileSync(
      join(dir, 'configs', 'b.json'),
      JSON.stringify({ steps: 4, lr: 0.0001, optimizer: { name: 'adamw', betas: [0.9, 0.99] } }),
    );
    await git(dir, ['add', 'configs']);
    await git(dir, ['commit', '-qm', 'two configs']);
    await git(dir, ['push', '-q', 'origin', 'main']);

    first = await newRun(dir, 'lr3e-4', {
      group: 'sweep',
      extra: [
        '--config',
        'configs/a.json',
        '--dataset',
        'hf://tiny/shards@v3',
        '--setting',
        'lr=3e-4',
        '--setting',
        'batch=8',
      ],
    });
    shaA = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    expect(
      (await submit(dir, first, ['--timeout', '60s'], train('--config', 'configs/a.json', '--sleep-ms', '5'))).code,
    ).toBe(0);
    await pollUntil(dir, first, (s) => s === 'completed');

    // A code change between the launches.
    writeFileSync(join(dir, 'NOTES.md'), 'warmup is now 10 steps\n');
    await git(dir, ['add', 'NOTES.md']);
    await git(dir, ['commit', '-qm', 'longer warmup']);
    await git(dir, ['push', '-q', 'origin', 'main']);
    second = await newRun(dir, 'lr1e-4', {
      group: 'sweep',
      extra: [
        '--config',
        'configs/b.json',
        '--dataset',
        'hf://tiny/shards@v4',
        '--setting',
        'lr=1e-4',
        '--setting',
        'batch=8',
      ],
    });
    shaB = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    expect(
      (
        await submit(
          dir,
          second,
          ['--timeout', '60s'],
          train('--config', 'configs/b.json', '--sleep-ms', '5', '--lr', '0.0001'),
        )
      ).code,
    ).toBe(0);
    await pollUntil(dir, second, (s) => s === 'completed');
  }, 120_000);
  afterAll(() => j?.cleanup());

  it('every section as before → after, with the code diff between the two launch commits', async () => {
    const d = await diff(dir, first, second);
    expect(d.a).toEqual({ id: first, path: `run_logs/${first}.md` });
    expect(d.sections.map((s) => s.name)).toEqual(['run', 'config', 'settings', 'command', 'code', 'data', 'results']);
    // Wall-clock runtime may differ by a second between two equal jobs; nothing else in the run section may.
    expect(section(d, 'run').changes.filter((c) => c.key !== 'runtime')).toEqual([]);
    expect(section(d, 'run').same).toEqual(expect.arrayContaining(['state', 'run_type', 'attempts']));
    expect(change(d, 'settings', 'lr')).toEqual({ key: 'lr', before: '3e-4', after: '1e-4' });
    expect(section(d, 'settings').same).toEqual(['batch']);
    expect(change(d, 'config', 'config')).toEqual({ key: 'config', before: 'configs/a.json', after: 'configs/b.json' });
    // The snapshots sit in the pinned output root inside this repository: compared key by key.
    expect(change(d, 'config', 'snapshot.lr')).toEqual({ key: 'snapshot.lr', before: '0.0003', after: '0.0001' });
    expect(change(d, 'config', 'snapshot.optimizer.betas')).toEqual({
      key: 'snapshot.optimizer.betas',
      before: '[0.9,0.95]',
      after: '[0.9,0.99]',
    });
    expect(change(d, 'config', 'snapshot.optimizer.name')).toBeUndefined();
    expect(change(d, 'config', 'sha256')?.before).toMatch(/^[0-9a-f]{64}$/);
    expect(change(d, 'command', 'command')?.after).toContain('configs/b.json');
    expect(change(d, 'code', 'git_sha')).toEqual({ key: 'git_sha', before: shaA, after: shaB });
    expect(d.codeDiff.from).toBe(shaA);
    expect(d.codeDiff.reason).toBeNull();
    expect(d.codeDiff.stat!.join('\n')).toMatch(/NOTES\.md\s+\|\s+1 \+/);
    expect(change(d, 'data', 'dataset')).toEqual({
      key: 'dataset',
      before: 'hf://tiny/shards@v3',
      after: 'hf://tiny/shards@v4',
    });
    expect(section(d, 'results').changes.length + section(d, 'results').same.length).toBeGreaterThan(0);
    expect(d.notes).toEqual([]);

    const human = (await runlogOk(dir, ['diff', first, second])).stdout;
    expect(human).toContain(`${first} → ${second}`);
    expect(human).toMatch(/^ {2}lr: 3e-4 → 1e-4$/m);
    expect(human).toMatch(/^ {2}git diff --stat /m);
    expect(human).toMatch(/NOTES\.md/);
  });

  it('a hand-kept run from another clone: a hostile SHA never reaches git as an option, a snapshot outside the repo is not read', async () => {
    const outside = join(tmpdir(), `runlog-diff-outside-${process.pid}.json`);
    writeFileSync(outside, JSON.stringify({ secret_key: 'x' }));
    const victim = join(tmpdir(), `runlog-diff-victim-${process.pid}`);
    const hand = [
      '# hand — kept by hand',
      '',
      '## Mode',
      '- run_type: experiment',
      '- objective: same sweep point, by hand',
      '',
      '## Config',
      '- config: `configs/a.json`',
      '- dataset: `hf://tiny/shards@v3`',
      '- key settings: lr 3e-4, batch 8',
      '',
      '## Job',
      '- job_id: 4419021',
      `- git_sha: \`--output=${victim}\``,
      `- config_snapshot: \`${outside}\``,
      '- submit command: `sbatch train.sh`',
      '',
      '## Status',
      '- 2026-03-22 10:00 UTC — completed, step 4, train_loss 0.5',
      '',
    ].join('\n');
    writeFileSync(join(dir, 'run_logs', 'sweep', '2026-03-22_hand.md'), hand);
    await git(dir, ['add', '-A', 'run_logs']);
    await git(dir, ['commit', '-qm', 'a hand-kept run']);
    const before = await snapshotLedger(dir);
    const d = await diff(dir, first, '2026-03-22_hand');
    expect(existsSync(victim)).toBe(false);
    expect(d.codeDiff.stat).toBeNull();
    expect(d.codeDiff.reason).toMatch(/is not a commit SHA/);
    expect(d.notes.join('\n')).toMatch(/outside this repository/);
    expect(section(d, 'config').changes.some((c) => c.key.startsWith('snapshot.'))).toBe(false);
    expect(section(d, 'settings').changes).toEqual([]);
    expect(section(d, 'settings').same).toEqual(['config', 'dataset', 'lr', 'batch']);
    expect(change(d, 'command', 'command')?.after).toBe('sbatch train.sh');
    expect(change(d, 'results', 'train_loss')?.after).toBe('0.5');
    expect(await snapshotLedger(dir)).toEqual(before);
    rmSync(outside, { force: true });
  });

  it('a launch commit this repository does not have: the diff says so', async () => {
    const p = join(dir, 'run_logs', 'sweep', '2026-03-22_hand.md');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/- git_sha: .*/, `- git_sha: \`${'ab'.repeat(20)}\``));
    const d = await diff(dir, first, '2026-03-22_hand');
    expect(d.codeDiff.reason).toBe(
      `${'ab'.repeat(20)} is not in this repository (fetch the code's history to see the diff)`,
    );
  });

  it('bad refs: usage or not-found errors, nothing changed', async () => {
    const before = await snapshotLedger(dir);
    const missing = await runlog(dir, ['diff', first, '2026-03-22_nope']);
    expect(missing.code).toBe(4);
    expect(stderrError(missing.stderr)?.code).toBe('RUN_NOT_FOUND');
    const one = await runlog(dir, ['diff', first]);
    expect(one.code).toBe(2);
    expect(stderrError(one.stderr)?.code).toBe('MISSING_ARGUMENT');
    expect(await snapshotLedger(dir)).toEqual(before);
  });
});
