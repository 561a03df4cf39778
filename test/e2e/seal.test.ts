/** `runlog seal` end to end: refusals name each missing item; success tags, pushes and records once. */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorOutput, SealOutput } from '../../src/schemas/output.js';
import { git, makeCheckpoint, makeLedger, runLog, type TestLedger } from '../support/artifacts.js';

let L: TestLedger;
let out: string;
let ckpt: string;
let sha: string;
const RUN = 'run_logs/g/2026-03-11_train.md';
const ID = 'g/2026-03-11_train';
const WANDB = 'wandb/offline-run-20260311_150000-abc123';

async function wandbRun(summary: Record<string, unknown>): Promise<void> {
  const dir = path.join(L.root, WANDB);
  await mkdir(path.join(dir, 'files'), { recursive: true });
  await writeFile(path.join(dir, 'run-abc123.wandb'), 'log');
  await writeFile(path.join(dir, 'files', 'wandb-summary.json'), JSON.stringify(summary));
}

const goodLog = (o: Partial<Parameters<typeof runLog>[0]> = {}) =>
  runLog({
    outputRoot: out,
    checkpoint: ckpt,
    sha,
    wandbLocal: WANDB,
    wandbSynced: 'https://wandb.ai/acme/base/runs/abc123',
    ...o,
  });

const remoteTags = async () => (await git(L.remote, 'tag', '--list')).split('\n').filter(Boolean);

beforeEach(async () => {
  L = await makeLedger();
  await L.commitFile('train.py', 'print("train")\n');
  await L.commitFile('.gitignore', 'wandb/\n');
  sha = await git(L.root, 'rev-parse', 'HEAD');
  out = path.join(L.dir, 'out');
  ckpt = await makeCheckpoint(path.join(out, 'checkpoints', '1000'));
  await wandbRun({ train_loss: 0.4, _step: 1000 });
});
afterEach(async () => L.cleanup());

describe('seal refuses', () => {
  const cases: [string, () => Promise<void>, string][] = [
    ['a run that did not complete', async () => L.commitFile(RUN, goodLog({ state: 'running' })), 'state'],
    ['no final step', async () => L.commitFile(RUN, goodLog().replace('- final step: 1000\n', '')), 'final_step'],
    [
      'no final metrics',
      async () => L.commitFile(RUN, goodLog().replace(/- (start|end)_train_loss: .*\n/g, '')),
      'final_metrics',
    ],
    ['no checkpoint recorded', async () => L.commitFile(RUN, goodLog({ checkpoint: undefined })), 'checkpoint'],
    [
      'an incomplete final checkpoint',
      async () => {
        await rm(path.join(ckpt, 'metadata.json'));
        await L.commitFile(RUN, goodLog());
      },
      'checkpoint',
    ],
    [
      'W&B summary without final metrics',
      async () => {
        await wandbRun({ _step: 1000, _runtime: 10 });
        await L.commitFile(RUN, goodLog());
      },
      'wandb_summary',
    ],
    ['no launch commit', async () => L.commitFile(RUN, goodLog({ sha: undefined })), 'launch_commit'],
    [
      'a launch commit not in the repo',
      async () => L.commitFile(RUN, goodLog({ sha: 'f'.repeat(40) })),
      'launch_commit',
    ],
    [
      'a missing passport when the ledger requires one',
      async () => {
        const cfg = await readFile(path.join(L.root, 'runlog.config.yaml'), 'utf8');
        await L.commitFile('runlog.config.yaml', `${cfg}seal:\n  require_passport: true\n`);
        await L.commitFile(RUN, goodLog());
      },
      'passport',
    ],
    [
      'a dirty launch without its patch',
      async () => L.commitFile(RUN, goodLog({ extraJob: '- dirty_tree: yes, approved by alice\n' })),
      'dirty_patch',
    ],
  ];
  it.each(cases)('%s', async (_name, setup, item) => {
    await setup();
    const head = await git(L.remote, 'rev-parse', 'main');
    const r = await L.cli(['seal', ID, '--json']);
    expect(r.code).toBe(1);
    const e = ErrorOutput.parse(r.json()).error;
    expect(e.code).toBe('SEAL_REFUSED');
    expect((e as unknown as { missing: { item: string }[] }).missing.map((m) => m.item)).toEqual([item]);
    expect(await git(L.root, 'tag', '--list')).toBe('');
    expect(await git(L.remote, 'rev-parse', 'main')).toBe(head);
  });

  it('names every missing item at once', async () => {
    await L.commitFile(RUN, goodLog({ checkpoint: undefined, sha: undefined, state: 'running' }));
    const r = await L.cli(['seal', ID]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /error\[SEAL_REFUSED\]: cannot seal g\/2026-03-11_train: state: .*; checkpoint: .*; launch_commit: /,
    );
  });
});

describe('seal', () => {
  it('tags the launch commit, pushes the tag, records it once, and a second run changes nothing', async () => {
    await L.commitFile(RUN, goodLog());
    const r = await L.cli(['seal', ID, '--caveat', 'eval not run yet', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = SealOutput.parse(r.json());
    expect(res).toMatchObject({
      tag: `seal/${ID}`,
      target: sha,
      created: true,
      tagPushed: true,
      recorded: true,
      pushed: true,
      sealCommit: null,
    });
    expect(await remoteTags()).toEqual([`seal/${ID}`]);
    expect(await git(L.remote, 'rev-parse', `seal/${ID}^{commit}`)).toBe(sha);
    const msg = await git(L.remote, 'tag', '-l', '--format=%(contents)', `seal/${ID}`);
    expect(msg).toContain('final step: 1000');
    expect(msg).toContain('final metrics: start_train_loss=2.5, end_train_loss=0.4');
    expect(msg).toContain(`checkpoint: ${ckpt}`);
    expect(msg).toContain('W&B: abc123 https://wandb.ai/acme/base/runs/abc123 (summary: train_loss=0.4)');
    expect(msg).toContain('launch command: python train.py --config configs/base.yaml --token [REDACTED');
    expect(msg).not.toContain('ghp_');
    expect(msg).toContain('- eval not run yet');
    expect(await git(L.remote, 'log', '-1', '--format=%s', 'main')).toBe(`${ID}: log final seal`);
    const text = await readFile(path.join(L.root, RUN), 'utf8');
    expect(text).toMatch(new RegExp(`## Seal\\n- \`seal/${ID}\`: \`${sha}\` — \\w+day, `));
    expect(text.indexOf('## Seal')).toBeLessThan(text.indexOf('## Next'));

    const head = await git(L.remote, 'rev-parse', 'main');
    const again = await L.cli(['seal', ID, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(SealOutput.parse(again.json())).toMatchObject({
      created: false,
      tagPushed: false,
      recorded: false,
      commit: null,
    });
    expect(await git(L.remote, 'rev-parse', 'main')).toBe(head);
    expect(await readFile(path.join(L.root, RUN), 'utf8')).toBe(text);
  });

  it('seals an approved dirty launch on a seal commit holding the recorded patch', async () => {
    await L.commitFile(
      'patches/launch.patch',
      `diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-print("train")\n+print("train, patched")\n`,
    );
    const patchSha = createHash('sha256')
      .update(await readFile(path.join(L.root, 'patches/launch.patch')))
      .digest('hex');
    await L.commitFile(
      RUN,
      goodLog({
        extraJob: `- dirty_tree: yes, approved by alice\n- patch: \`patches/launch.patch\`\n- patch_sha256: ${patchSha}\n`,
      }),
    );
    const r = await L.cli(['seal', ID, '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const res = SealOutput.parse(r.json());
    expect(res.sealCommit).not.toBeNull();
    expect(res.target).toBe(res.sealCommit);
    expect(await git(L.remote, 'rev-parse', `seal/${ID}^{commit}^1`)).toBe(sha);
    expect(await git(L.remote, 'show', `seal/${ID}:train.py`)).toBe('print("train, patched")');
    expect(await readFile(path.join(L.root, 'train.py'), 'utf8')).toBe('print("train")\n');
    expect(await git(L.root, 'worktree', 'list')).not.toContain('runlog-seal-');
    const again = await L.cli(['seal', ID, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(SealOutput.parse(again.json())).toMatchObject({ created: false, target: res.target });
  });

  it('seals a milestone under its own tag', async () => {
    await L.commitFile(RUN, goodLog());
    const r = await L.cli(['seal', ID, '--milestone', 'step-1000', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(await remoteTags()).toEqual([`seal/${ID}/step-1000`]);
    expect(await git(L.remote, 'log', '-1', '--format=%s', 'main')).toBe(`${ID}: log seal (step-1000)`);
  });
});
