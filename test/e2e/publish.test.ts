/** `runlog publish` end to end: a run log seeded with job ids, nodes, paths and tokens publishes none of them. */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PublishOutput } from '../../src/schemas/output.js';
import { git, makeCheckpoint, makeLedger, runLog, type TestLedger } from '../support/artifacts.js';

let L: TestLedger;
let ckpt: string;
const RUN = 'run_logs/g/2026-03-11_train.md';
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB';

beforeEach(async () => {
  L = await makeLedger();
  const out = path.join(L.dir, 'scratch', 'alice', 'out');
  ckpt = await makeCheckpoint(path.join(out, 'checkpoints', '1000'));
  const sha = await git(L.root, 'rev-parse', 'HEAD');
  const log = runLog({
    outputRoot: out,
    checkpoint: ckpt,
    sha,
    extraJob: '- training_repo: https://github.com/acme/train\n',
    wandbLocal: 'wandb/offline-run-20260311_150000-abc123',
    wandbSynced: 'https://wandb.ai/acme/baseline/runs/abc123',
    extra: `\n## Training Dynamics\n- loss flattens after step 800 (see wandb_id.txt for the resume id)\n- restarted once on nid001235 after job 4242425 hit walltime\n- export WANDB_API_KEY=${'k'.repeat(40)}\n`,
  });
  await L.commitFile(RUN, log);
});
afterEach(async () => L.cleanup());

describe('publish', () => {
  it('writes a TRAINING_LOG with the dynamics and none of the private details, and copies passport + signoff', async () => {
    expect((await L.cli(['ckpt', 'passport', ckpt])).code).toBe(0);
    expect((await L.cli(['ckpt', 'signoff', ckpt, '--verdict', 'pass'])).code).toBe(0);
    const pkg = path.join(L.dir, 'pkg');
    const r = await L.cli(['publish', '2026-03-11_train', '--out', pkg, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const res = PublishOutput.parse(r.json());
    expect(res.files).toEqual(['TRAINING_LOG.md', 'MODEL_PASSPORT.json', 'SIGNOFF.json']);
    expect(res.leaks).toEqual([]);
    const rules = Object.fromEntries(res.removed.map((x) => [x.rule, x.count]));
    expect(Object.keys(rules)).toEqual(
      expect.arrayContaining(['slurm_job_id', 'node_name', 'cluster_path', 'wandb_id_file']),
    );
    expect(r.stdout).not.toContain('4242424');
    expect(r.stdout).not.toContain('nid00123');

    const log = await readFile(path.join(pkg, 'TRAINING_LOG.md'), 'utf8');
    for (const leak of [
      '4242424',
      '4242425',
      'nid001234',
      'nid001235',
      L.dir,
      '/scratch',
      'alice',
      'offline-run',
      'wandb_id.txt',
      TOKEN,
      'kkkkkkkkkk',
    ]) {
      expect(log, leak).not.toContain(leak);
    }
    expect(log).toContain('| step | date | train loss | grad norm |');
    expect(log).toContain('| 100 | Wednesday, Mar 11th, 2026 18:00 UTC | 1.2 | 1.4 |');
    expect(log).toContain('fast early drop, smooth tail');
    expect(log).toContain('- runtime: 23:30:00');
    expect(log).toContain('https://wandb.ai/acme/baseline/runs/abc123');
    expect(log).toContain('- dates: Wednesday, Mar 11th, 2026 → Thursday, Mar 12th, 2026');
    expect(log).toContain('- config: configs/base.yaml');
    expect(log).toContain('runlog ckpt verify . --require-signoff');
    expect(log).toMatch(/\| `model.safetensors` \| `[0-9a-f]{64}` \|/);
    expect(log).toContain('- signoff: `pass`');
    expect(await readFile(path.join(pkg, 'MODEL_PASSPORT.json'))).toEqual(
      await readFile(path.join(ckpt, 'MODEL_PASSPORT.json')),
    );

    const check = await L.cli(['publish', '--check', pkg, '--json']);
    expect(check.code).toBe(0);
    expect(PublishOutput.parse(check.json()).leaks).toEqual([]);
  });

  it('--check fails on a leak and names file, line and rule, never the value', async () => {
    const pkg = path.join(L.dir, 'pkg');
    await mkdir(pkg);
    await writeFile(
      path.join(pkg, 'README.md'),
      `# model\n\ntrained as job 4242424 on nid001234\nckpt at /scratch/alice/out/ckpt\n`,
    );
    const r = await L.cli(['publish', '--check', pkg, '--json']);
    expect(r.code).toBe(1);
    const res = PublishOutput.parse(r.json());
    expect(res.leaks).toEqual([
      { file: 'README.md', line: 3, rule: 'slurm_job_id' },
      { file: 'README.md', line: 3, rule: 'node_name' },
      { file: 'README.md', line: 4, rule: 'cluster_path' },
    ]);
    expect(r.stdout + r.stderr).not.toContain('4242424');
    expect(r.stdout + r.stderr).not.toContain('/scratch/alice');
  });

  it('refuses to copy a passport that would leak a cluster path, and writes nothing', async () => {
    // A clone on a cluster's scratch disk, named as the training repo: a private path in the passport.
    await L.commitFile(
      RUN,
      (await readFile(path.join(L.root, RUN), 'utf8')).replace(
        '- training_repo: https://github.com/acme/train\n',
        '- training_repo: /scratch/alice/train\n',
      ),
    );
    expect((await L.cli(['ckpt', 'passport', ckpt])).code).toBe(0);
    const pkg = path.join(L.dir, 'pkg');
    const r = await L.cli(['publish', '2026-03-11_train', '--out', pkg]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[PUBLISH_PASSPORT_LEAKS\]: .*MODEL_PASSPORT.json:\d+ \(cluster_path\)/);
    expect(r.stderr).not.toContain('/scratch/alice');
    await expect(readFile(path.join(pkg, 'TRAINING_LOG.md'))).rejects.toThrow();
  });

  it('honours ledger rules from runlog.config.yaml', async () => {
    const cfg = path.join(L.root, 'runlog.config.yaml');
    await L.commitFile(
      'runlog.config.yaml',
      `${await readFile(cfg, 'utf8')}publish:\n  sanitize:\n    rules:\n      - id: dataset_name\n        pattern: 'shards\\.parquet'\n        replace: '<dataset>'\n`,
    );
    const pkg = path.join(L.dir, 'pkg');
    const r = await L.cli(['publish', '2026-03-11_train', '--out', pkg, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(PublishOutput.parse(r.json()).removed).toContainEqual({ rule: 'dataset_name', count: 2 });
    expect(await readFile(path.join(pkg, 'TRAINING_LOG.md'), 'utf8')).toContain('<dataset>');
  });
});
