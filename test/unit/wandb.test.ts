import { chmod, mkdir, mkdtemp, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import {
  findStagingBloat,
  readWandbKey,
  readWandbRuns,
  runWandbSync,
  syncPlan,
  wandbRunUrl,
} from '../../src/wandb/index.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'runlog-wandb-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(rel: string, data: string | Buffer): Promise<string> {
  const full = path.join(root, rel);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, data);
  return full;
}

async function sparse(rel: string, bytes: number): Promise<void> {
  const full = await put(rel, '');
  await truncate(full, bytes);
}

const CONFIG_YAML = `_wandb:
  desc: null
  value:
    cli_version: 0.17.0
    python_version: 3.10.12
learning_rate:
  desc: null
  value: 0.0003
batch_size:
  value: 256
model:
  desc: null
  value:
    depth: 12
    heads: 8
`;

/** An offline run laid out the way wandb writes one. */
async function makeRun(name: string, id: string): Promise<string> {
  const rel = `wandb/${name}`;
  await put(`${rel}/files/config.yaml`, CONFIG_YAML);
  await put(`${rel}/files/wandb-summary.json`, JSON.stringify({ 'train/loss': 0.085, _step: 2400, _runtime: 3600.5 }));
  await put(
    `${rel}/files/wandb-metadata.json`,
    JSON.stringify({ program: 'train.py', startedAt: '2026-03-11T15:00:00.000000' }),
  );
  await put(`${rel}/files/output.log`, 'step 2400 loss 0.085\n');
  await put(`${rel}/logs/debug.log`, 'debug\n');
  await put(`${rel}/run-${id}.wandb`, Buffer.alloc(100));
  return path.join(root, rel);
}

async function errorOf(promise: Promise<unknown>): Promise<RunlogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunlogError);
  return err as RunlogError;
}

describe('readWandbRuns', () => {
  it('reads id, config values, summary, metadata and size of offline and online runs', async () => {
    const offline = await makeRun('offline-run-20260311_150000-abc123', 'abc123');
    await makeRun('run-20260312_090000-def456', 'def456');
    await symlink(offline, path.join(root, 'wandb', 'latest-run'));
    await put('wandb/debug.log', 'top-level log\n');

    const runs = await readWandbRuns(root);
    expect(runs.map((r) => [r.id, r.offline, r.startedAt])).toEqual([
      ['abc123', true, '2026-03-11T15:00:00'],
      ['def456', false, '2026-03-12T09:00:00'],
    ]);
    const run = runs[0]!;
    expect(run.path).toBe(offline);
    expect(run.config).toEqual({ learning_rate: 0.0003, batch_size: 256, model: { depth: 12, heads: 8 } });
    expect(run.summary).toEqual({ 'train/loss': 0.085, _step: 2400, _runtime: 3600.5 });
    expect(run.metadata?.program).toBe('train.py');
    const expectedSize =
      CONFIG_YAML.length +
      JSON.stringify({ 'train/loss': 0.085, _step: 2400, _runtime: 3600.5 }).length +
      JSON.stringify({ program: 'train.py', startedAt: '2026-03-11T15:00:00.000000' }).length +
      'step 2400 loss 0.085\n'.length +
      'debug\n'.length +
      100;
    expect(run.sizeBytes).toBe(expectedSize);
    expect(run.bloat).toMatchObject({ flagged: false, bytes: 0, thresholdBytes: 1024 ** 3, offenders: [] });
    expect(run.warnings).toEqual([]);
  });

  it('accepts the wandb dir or a run dir directly', async () => {
    const dir = await makeRun('offline-run-20260311_150000-abc123', 'abc123');
    expect((await readWandbRuns(path.join(root, 'wandb'))).map((r) => r.id)).toEqual(['abc123']);
    expect((await readWandbRuns(dir)).map((r) => r.id)).toEqual(['abc123']);
  });

  it('takes the id from the run file and warns when the dir name disagrees; reports unreadable files', async () => {
    const dir = await makeRun('offline-run-20260311_150000-abc123', 'zzz999');
    await put('wandb/offline-run-20260311_150000-abc123/files/wandb-summary.json', '{broken');
    const [run] = await readWandbRuns(dir);
    expect(run?.id).toBe('zzz999');
    expect(run?.summary).toBeUndefined();
    expect(run?.warnings).toHaveLength(2);
    expect(run?.warnings.join('\n')).toMatch(/disagrees[\s\S]*wandb-summary\.json is not valid JSON/);
  });

  it('flags staging bloat above 1 GiB and names the biggest offenders', async () => {
    const dir = await makeRun('offline-run-20260311_150000-abc123', 'abc123');
    const base = 'wandb/offline-run-20260311_150000-abc123';
    await sparse(`${base}/files/media/videos/rollout_1.mp4`, 300 * 1024 ** 2);
    await sparse(`${base}/artifacts/model-v3/params.msgpack`, 600 * 1024 ** 2);
    await sparse(`${base}/wandb_data/artifacts/staging/tmpabc`, 200 * 1024 ** 2);
    const [run] = await readWandbRuns(dir);
    expect(run?.bloat.flagged).toBe(true);
    expect(run?.bloat.bytes).toBe(1100 * 1024 ** 2);
    expect(run?.bloat.offenders).toEqual([
      { path: 'artifacts/model-v3/params.msgpack', sizeBytes: 600 * 1024 ** 2, kind: 'artifacts' },
      { path: 'files/media/videos/rollout_1.mp4', sizeBytes: 300 * 1024 ** 2, kind: 'media' },
      { path: 'wandb_data/artifacts/staging/tmpabc', sizeBytes: 200 * 1024 ** 2, kind: 'staging' },
    ]);
    expect(run!.sizeBytes).toBeGreaterThan(1100 * 1024 ** 2);
  });

  it('flags a huge .wandb log on its own and honours a custom threshold', async () => {
    const dir = await makeRun('offline-run-20260311_150000-abc123', 'abc123');
    await sparse('wandb/offline-run-20260311_150000-abc123/run-abc123.wandb', 2 * 1024 ** 3);
    const [big] = await readWandbRuns(dir);
    expect(big?.bloat.flagged).toBe(true);
    expect(big?.bloat.offenders).toEqual([{ path: 'run-abc123.wandb', sizeBytes: 2 * 1024 ** 3, kind: 'wandb_log' }]);

    await put('wandb/offline-run-20260311_150000-abc123/run-abc123.wandb', 'small');
    await put('wandb/offline-run-20260311_150000-abc123/files/media/images/a.png', Buffer.alloc(2000));
    const [small] = await readWandbRuns(dir, { thresholdBytes: 1000 });
    expect(small?.bloat).toMatchObject({ flagged: true, bytes: 2000, thresholdBytes: 1000 });
  });

  it('measures the shared wandb_data staging area next to wandb/', async () => {
    expect(await findStagingBloat(root)).toBeNull();
    await sparse('wandb_data/artifacts/staging/abc/file1', 700 * 1024 ** 2);
    await sparse('wandb_data/artifacts/staging/def/file2', 500 * 1024 ** 2);
    const staging = await findStagingBloat(root);
    expect(staging).toMatchObject({
      path: path.join(root, 'wandb_data/artifacts/staging'),
      flagged: true,
      bytes: 1200 * 1024 ** 2,
    });
    expect(staging?.offenders.map((o) => o.path)).toEqual(['abc/file1', 'def/file2']);
  });

  it('fails with a code for a missing dir', async () => {
    expect((await errorOf(readWandbRuns(path.join(root, 'nope')))).code).toBe('WANDB_DIR_NOT_FOUND');
  });
});

describe('wandbRunUrl', () => {
  it('builds the run URL and refuses empty parts', () => {
    expect(wandbRunUrl('team', 'project', 'abc123')).toBe('https://wandb.ai/team/project/runs/abc123');
    expect(wandbRunUrl('team', 'my proj', 'abc', 'https://wandb.example.com/')).toBe(
      'https://wandb.example.com/team/my%20proj/runs/abc',
    );
    expect(() => wandbRunUrl('', 'p', 'x')).toThrow(RunlogError);
  });
});

describe('readWandbKey', () => {
  it('prefers WANDB_API_KEY, then ~/.wandb_token, then ~/.wandb_key', async () => {
    const home = path.join(root, 'home');
    await mkdir(home);
    expect(await readWandbKey({ env: {}, home })).toBeNull();
    await writeFile(path.join(home, '.wandb_key'), 'from-key-file\n');
    expect(await readWandbKey({ env: {}, home })).toEqual({
      key: 'from-key-file',
      source: path.join(home, '.wandb_key'),
    });
    await writeFile(path.join(home, '.wandb_token'), '\n  from-token-file  \n');
    expect((await readWandbKey({ env: {}, home }))?.key).toBe('from-token-file');
    expect(await readWandbKey({ env: { WANDB_API_KEY: 'from-env' }, home })).toEqual({
      key: 'from-env',
      source: 'WANDB_API_KEY',
    });
  });
});

describe('wandb sync', () => {
  const KEY = `${'k'.repeat(8)}secret0123456789abcdef0123456789abcd`;
  let bin: string;
  let home: string;
  let record: string;
  let runDir: string;

  /** A stand-in wandb CLI: a real executable that records how it was called. */
  beforeEach(async () => {
    bin = path.join(root, 'bin');
    home = path.join(root, 'home');
    record = path.join(root, 'record');
    await mkdir(bin);
    await mkdir(home);
    await mkdir(record);
    await writeFile(
      path.join(bin, 'wandb'),
      [
        '#!/bin/sh',
        'printf "%s\\n" "$@" > "$RECORD_DIR/argv"',
        'printf "%s" "$WANDB_API_KEY" > "$RECORD_DIR/key"',
        'echo "debug: using key $WANDB_API_KEY" >&2',
        'echo "Syncing: https://wandb.ai/$3/$5/runs/abc123 ... done."',
        'exit "${FAKE_EXIT:-0}"',
        '',
      ].join('\n'),
    );
    await chmod(path.join(bin, 'wandb'), 0o755);
    await writeFile(path.join(home, '.wandb_token'), `${KEY}\n`);
    runDir = await makeRun('offline-run-20260311_150000-abc123', 'abc123');
  });

  const env = (extra: Record<string, string> = {}) => ({
    PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin`,
    RECORD_DIR: record,
    ...extra,
  });

  it('dry-runs by default: returns the argv and runs nothing', async () => {
    const result = await runWandbSync({ dir: runDir, entity: 'team', project: 'arx5', env: env(), home });
    expect(result.dryRun).toBe(true);
    expect(result.plan.argv).toEqual(['wandb', 'sync', '--entity', 'team', '--project', 'arx5', runDir]);
    expect(result.plan.cliPath).toBe(path.join(bin, 'wandb'));
    expect(result.plan.keySource).toBe(path.join(home, '.wandb_token'));
    expect(result.urls).toEqual(['https://wandb.ai/team/arx5/runs/abc123']);
    expect(JSON.stringify(result)).not.toContain(KEY);
    await expect(stat(path.join(record, 'argv'))).rejects.toThrow();
  });

  it('with yes, runs wandb with the key in its environment only, and scrubs it from the output', async () => {
    const result = await runWandbSync({ dir: runDir, entity: 'team', project: 'arx5', yes: true, env: env(), home });
    expect(result).toMatchObject({ dryRun: false, exitCode: 0, urls: ['https://wandb.ai/team/arx5/runs/abc123'] });
    expect((await readFile(path.join(record, 'argv'), 'utf8')).trim().split('\n')).toEqual([
      'sync',
      '--entity',
      'team',
      '--project',
      'arx5',
      runDir,
    ]);
    expect(await readFile(path.join(record, 'key'), 'utf8')).toBe(KEY);
    expect(result.output).toContain('using key [REDACTED]');
    expect(JSON.stringify(result)).not.toContain(KEY);
  });

  it('reports a failed sync without the key', async () => {
    const err = await errorOf(
      runWandbSync({ dir: runDir, entity: 'team', project: 'arx5', yes: true, env: env({ FAKE_EXIT: '3' }), home }),
    );
    expect(err.code).toBe('WANDB_SYNC_FAILED');
    expect(err.message).toMatch(/exited with 3/);
    expect(JSON.stringify({ message: err.message, hint: err.hint, details: err.details })).not.toContain(KEY);
  });

  it('needs the wandb CLI on PATH', async () => {
    const err = await errorOf(
      syncPlan({ dir: runDir, entity: 'team', project: 'arx5', env: { PATH: path.join(root, 'empty') }, home }),
    );
    expect(err.code).toBe('WANDB_CLI_MISSING');
    expect(err.hint).toContain('pip install wandb');
  });

  it('needs an explicit destination and a key', async () => {
    expect((await errorOf(syncPlan({ dir: runDir, entity: '', project: 'arx5', env: env(), home }))).code).toBe(
      'WANDB_DESTINATION_REQUIRED',
    );
    expect((await errorOf(syncPlan({ dir: runDir, entity: 'team', project: 'a b', env: env(), home }))).code).toBe(
      'WANDB_DESTINATION_INVALID',
    );
    const noKeyHome = path.join(root, 'nokey');
    await mkdir(noKeyHome);
    expect(
      (await errorOf(syncPlan({ dir: runDir, entity: 'team', project: 'arx5', env: env(), home: noKeyHome }))).code,
    ).toBe('WANDB_KEY_MISSING');
  });
});
