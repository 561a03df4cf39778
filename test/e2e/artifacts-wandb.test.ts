/** `runlog wandb …` end to end, no network: offline run dirs, and a stand-in `wandb` executable on PATH. */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorOutput, WandbShowOutput, WandbSyncOutput } from '../../src/schemas/output.js';
import { git, makeLedger, runLog, sparseFile, type TestLedger } from '../support/artifacts.js';

let L: TestLedger;
let env: NodeJS.ProcessEnv;
const RUN = 'run_logs/g/2026-03-11_train.md';
const WANDB = 'wandb/offline-run-20260311_150000-abc123';
const KEY = 'secretkey0123456789abcdef0123456789abcdef';

beforeEach(async () => {
  L = await makeLedger();
  const dir = path.join(L.root, WANDB, 'files');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(L.root, WANDB, 'run-abc123.wandb'), 'log');
  await writeFile(path.join(dir, 'wandb-summary.json'), JSON.stringify({ train_loss: 0.4, _step: 1000 }));
  await writeFile(path.join(dir, 'config.yaml'), 'lr:\n  desc: null\n  value: 0.0003\n_wandb:\n  value: {}\n');
  await L.commitFile('.gitignore', 'wandb/\nwandb_data/\n');
  const log = runLog({ outputRoot: path.join(L.dir, 'out'), wandbLocal: WANDB }).replace(
    '## Status',
    '## Job (resumed)\n- execution_id: 4242425\n\n## Status',
  );
  await L.commitFile(RUN, log);
  const bin = path.join(L.dir, 'bin');
  await mkdir(bin);
  // Records its argv and whether it got a key (never the key), and prints a run URL like wandb does.
  await writeFile(
    path.join(bin, 'wandb'),
    `#!/bin/sh\nprintf '%s\\n' "$@" > "${path.join(L.dir, 'wandb-argv')}"\n[ -n "$WANDB_API_KEY" ] && echo key-present > "${path.join(L.dir, 'wandb-key')}"\necho "Syncing: https://wandb.ai/acme/arx5/runs/abc123 ... done."\n`,
  );
  await chmod(path.join(bin, 'wandb'), 0o755);
  env = { PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: L.dir, WANDB_API_KEY: KEY };
});
afterEach(async () => L.cleanup());

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('wandb show', () => {
  it('reads id, config, summary and size from the dir the run log records, and flags staging bloat', async () => {
    await mkdir(path.join(L.root, 'wandb_data/artifacts/staging'), { recursive: true });
    await sparseFile(path.join(L.root, 'wandb_data/artifacts/staging/blob.bin'), 3 * 1024 ** 2);
    const r = await L.cli(['wandb', 'show', '2026-03-11_train', '--bloat-threshold-mb', '1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = WandbShowOutput.parse(r.json());
    expect(res.runs).toHaveLength(1);
    expect(res.runs[0]).toMatchObject({
      id: 'abc123',
      offline: true,
      startedAt: '2026-03-11T15:00:00',
      config: { lr: 0.0003 },
      summary: { train_loss: 0.4 },
    });
    expect(res.staging).toMatchObject({ flagged: true, bytes: 3 * 1024 ** 2 });
    expect(res.bloatFlagged).toBe(true);
  });
});

describe('wandb sync', () => {
  it('is a dry run by default: nothing runs, nothing is recorded', async () => {
    const r = await L.cli(
      ['wandb', 'sync', '2026-03-11_train', '--entity', 'acme', '--project', 'arx5', '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const res = WandbSyncOutput.parse(r.json());
    expect(res).toMatchObject({
      dryRun: true,
      keySource: 'WANDB_API_KEY',
      urls: ['https://wandb.ai/acme/arx5/runs/abc123'],
      recorded: false,
      commit: null,
    });
    expect(res.argv.slice(0, 6)).toEqual(['wandb', 'sync', '--entity', 'acme', '--project', 'arx5']);
    expect(await exists(path.join(L.dir, 'wandb-argv'))).toBe(false);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });

  it('with --yes runs wandb with the key in its env only, and records the URL in the Job block and W&B section', async () => {
    const r = await L.cli(
      ['wandb', 'sync', '2026-03-11_train', '--entity', 'acme', '--project', 'arx5', '--yes', '--job', 'Job', '--json'],
      env,
    );
    expect(r.code, r.stderr).toBe(0);
    const res = WandbSyncOutput.parse(r.json());
    expect(res).toMatchObject({
      dryRun: false,
      urls: ['https://wandb.ai/acme/arx5/runs/abc123'],
      recorded: true,
      pushed: true,
    });
    expect((await readFile(path.join(L.dir, 'wandb-argv'), 'utf8')).split('\n').slice(0, 5)).toEqual([
      'sync',
      '--entity',
      'acme',
      '--project',
      'arx5',
    ]);
    expect(await readFile(path.join(L.dir, 'wandb-key'), 'utf8')).toBe('key-present\n');
    const text = await readFile(path.join(L.root, RUN), 'utf8');
    const firstJob = text.split('## Job (resumed)')[0]!.split('## Job\n')[1]!;
    expect(firstJob).toContain('- wandb_synced: `https://wandb.ai/acme/arx5/runs/abc123`');
    expect(text).toMatch(
      /## W&B\n- local: `wandb\/offline-run-20260311_150000-abc123`\n- synced: `https:\/\/wandb.ai\/acme\/arx5\/runs\/abc123`/,
    );
    for (const where of [r.stdout, r.stderr, text, await git(L.root, 'log', '-p', '--all')])
      expect(where).not.toContain(KEY);
    expect(await git(L.remote, 'log', '-1', '--format=%s', 'main')).toBe('g/2026-03-11_train: log W&B sync');
  });

  it('refuses without a wandb CLI, and without --entity', async () => {
    const noCli = await L.cli(
      ['wandb', 'sync', '2026-03-11_train', '--entity', 'acme', '--project', 'arx5', '--json'],
      { ...env, PATH: path.dirname(process.execPath) },
    );
    expect(noCli.code).toBe(1);
    expect(ErrorOutput.parse(noCli.json()).error.code).toBe('WANDB_CLI_MISSING');
    const noEntity = await L.cli(['wandb', 'sync', '2026-03-11_train', '--project', 'arx5'], env);
    expect(noEntity.code).toBe(2);
  });
});

describe('wandb record', () => {
  it('records the synced URL in the named Job block', async () => {
    const r = await L.cli([
      'wandb',
      'record',
      '2026-03-11_train',
      '--synced',
      'https://wandb.ai/acme/arx5/runs/def456',
      '--job',
      'resumed',
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const text = await readFile(path.join(L.root, RUN), 'utf8');
    expect(text.split('## Job (resumed)')[1]!.split('## Status')[0]).toContain(
      '- wandb_synced: `https://wandb.ai/acme/arx5/runs/def456`',
    );
    const bad = await L.cli([
      'wandb',
      'record',
      '2026-03-11_train',
      '--synced',
      'https://wandb.ai/x/y/runs/z',
      '--job',
      'nope',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error[JOB_BLOCK_NOT_FOUND]');
  });
});
