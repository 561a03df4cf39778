import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import {
  annotateLineage,
  applyPrune,
  listCheckpoints,
  parseStep,
  pickCheckpoint,
  planPrune,
  type Checkpoint,
} from '../../src/checkpoints/index.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'runlog-ckpt-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function makeCkpt(rel: string, opts: { complete?: boolean; bytes?: number } = {}): Promise<string> {
  const dir = path.join(root, rel);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'params.bin'), Buffer.alloc(opts.bytes ?? 10, 1));
  if (opts.complete ?? true) await writeFile(path.join(dir, 'metadata.json'), '{}\n');
  return dir;
}

async function expectRunlogError(
  promise: Promise<unknown>,
  code: string,
  kind: RunlogError['kind'],
): Promise<RunlogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunlogError);
  const rl = err as RunlogError;
  expect(rl.code).toBe(code);
  expect(rl.kind).toBe(kind);
  expect(rl.hint.length).toBeGreaterThan(0);
  return rl;
}

describe('parseStep', () => {
  it.each([
    ['step-100', 100],
    ['step_100', 100],
    ['step100', 100],
    ['100', 100],
    ['checkpoint-100', 100],
    ['ckpt_000100', 100],
    ['global_step100', 100],
    ['epoch=1-step=100.ckpt', 100],
    ['step=2500.ckpt', 2500],
    ['iter_0000250', 250],
    ['0', 0],
  ])('%s -> %d', (name, step) => {
    expect(parseStep(name)).toBe(step);
  });

  it.each(['last.ckpt', 'params', 'wandb', 'step-', 'checkpoint-best', 'metadata.json', '99999999999999999999'])(
    '%s -> null',
    (name) => {
      expect(parseStep(name)).toBeNull();
    },
  );
});

describe('listCheckpoints', () => {
  it('orders numerically, not lexicographically', async () => {
    for (const step of [1000, 9, 100, 10]) await makeCkpt(`checkpoints/${step}`);
    const ckpts = await listCheckpoints(root);
    expect(ckpts.map((c) => c.step)).toEqual([9, 10, 100, 1000]);
    expect(ckpts.every((c) => c.kind === 'dir' && c.complete)).toBe(true);
    expect(ckpts[0]?.path).toBe(path.join(root, 'checkpoints', '9'));
    expect(ckpts[0]?.sizeBytes).toBe(10 + 3);
  });

  it('finds every common layout and marks completeness by metadata.json', async () => {
    await makeCkpt('out/step-5');
    await makeCkpt('out/step_6', { complete: false });
    await makeCkpt('hf/checkpoint-7');
    await makeCkpt('ckpt_000008');
    await makeCkpt('ds/global_step9');
    await mkdir(path.join(root, 'lightning'), { recursive: true });
    await writeFile(path.join(root, 'lightning', 'epoch=1-step=11.ckpt'), 'weights');
    await writeFile(path.join(root, 'lightning', 'last.ckpt'), 'weights');
    // A bare number outside a checkpoints folder is not a checkpoint (e.g. a seed folder).
    await makeCkpt('results/42');
    await makeCkpt('wandb/step-99');

    const ckpts = await listCheckpoints(root);
    const view = ckpts.map((c) => [path.relative(root, c.path), c.step, c.complete, c.kind]);
    expect(view).toEqual([
      ['out/step-5', 5, true, 'dir'],
      ['out/step_6', 6, false, 'dir'],
      ['hf/checkpoint-7', 7, true, 'dir'],
      ['ckpt_000008', 8, true, 'dir'],
      ['ds/global_step9', 9, true, 'dir'],
      ['lightning/epoch=1-step=11.ckpt', 11, false, 'file'],
    ]);
    expect(ckpts.at(-1)?.sizeBytes).toBe(7);
  });

  it('fails with a code when the root does not exist', async () => {
    await expectRunlogError(listCheckpoints(path.join(root, 'nope')), 'OUTPUT_ROOT_NOT_FOUND', 'not_found');
  });
});

describe('annotateLineage', () => {
  it('tags launch, recovery, milestone and rejected checkpoints', async () => {
    await makeCkpt('good/checkpoints/100');
    await makeCkpt('good/checkpoints/200');
    await makeCkpt('good/checkpoints/300');
    await makeCkpt('bad/checkpoints/400');
    const ckpts = annotateLineage(await listCheckpoints(root), {
      launchSource: path.join(root, 'good/checkpoints/100'),
      recoverySources: ['checkpoints/200'],
      milestones: [300],
      rejected: [path.join(root, 'bad')],
    });
    const tags = Object.fromEntries(ckpts.map((c) => [c.step, c.lineage]));
    expect(tags).toEqual({ 100: ['launch_source'], 200: ['recovery_source'], 300: ['milestone'], 400: ['rejected'] });
  });
});

describe('pickCheckpoint', () => {
  it('picks the newest complete checkpoint and says what it skipped', async () => {
    for (const step of [9, 10, 100]) await makeCkpt(`checkpoints/${step}`);
    await makeCkpt('checkpoints/1000', { complete: false });
    const { checkpoint, skipped } = await pickCheckpoint(await listCheckpoints(root));
    expect(checkpoint.step).toBe(100);
    expect(skipped).toEqual([{ path: path.join(root, 'checkpoints/1000'), step: 1000, reason: 'incomplete' }]);
  });

  it('never advances into a rejected lineage just because it is newer', async () => {
    await makeCkpt('run_a/checkpoints/500');
    await makeCkpt('run_b/checkpoints/900');
    const { checkpoint, skipped } = await pickCheckpoint(await listCheckpoints(root), {
      lineage: { rejected: [path.join(root, 'run_b')] },
    });
    expect(checkpoint.path).toBe(path.join(root, 'run_a/checkpoints/500'));
    expect(skipped.map((s) => s.reason)).toEqual(['rejected_lineage']);
  });

  it('escalates when nothing is complete', async () => {
    await makeCkpt('checkpoints/10', { complete: false });
    await makeCkpt('checkpoints/20', { complete: false });
    const err = await expectRunlogError(
      pickCheckpoint(await listCheckpoints(root)),
      'NO_COMPLETE_CHECKPOINT',
      'failed',
    );
    expect(err.hint).toMatch(/DRI/);
    expect(err.hint).toMatch(/never guess/);
  });

  it('rejects a user-named checkpoint without metadata.json', async () => {
    await makeCkpt('checkpoints/10');
    await makeCkpt('checkpoints/20', { complete: false });
    const ckpts = await listCheckpoints(root);
    await expectRunlogError(
      pickCheckpoint(ckpts, { named: path.join(root, 'checkpoints/20') }),
      'CHECKPOINT_INCOMPLETE',
      'rejected',
    );
    const { checkpoint } = await pickCheckpoint(ckpts, { named: 'checkpoints/10' });
    expect(checkpoint.step).toBe(10);
  });

  it('checks a named checkpoint outside the listing on disk', async () => {
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'runlog-ckpt-other-'));
    try {
      await mkdir(path.join(elsewhere, 'step_70'));
      await expectRunlogError(
        pickCheckpoint([], { named: path.join(elsewhere, 'step_70') }),
        'CHECKPOINT_INCOMPLETE',
        'rejected',
      );
      await writeFile(path.join(elsewhere, 'step_70', 'metadata.json'), '{}');
      const { checkpoint } = await pickCheckpoint([], { named: path.join(elsewhere, 'step_70') });
      expect(checkpoint).toMatchObject({ step: 70, complete: true, kind: 'dir' });
      await expectRunlogError(
        pickCheckpoint([], { named: path.join(elsewhere, 'missing') }),
        'CHECKPOINT_NOT_FOUND',
        'not_found',
      );
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});

describe('planPrune / applyPrune', () => {
  async function series(steps: number[]): Promise<Checkpoint[]> {
    for (const step of steps) await makeCkpt(`checkpoints/${step}`);
    return listCheckpoints(root);
  }

  it('keeps latest N, final, launch, recovery, milestones and keep-every anchors; deletes the rest', async () => {
    const ckpts = annotateLineage(await series([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), {
      launchSource: 'checkpoints/2',
      recoverySources: ['checkpoints/3'],
      milestones: [7],
    });
    const plan = planPrune(ckpts, {
      keepLast: 2,
      keepEvery: 5,
      final: 'checkpoints/12',
      protect: ['checkpoints/1', 'checkpoints/999'],
    });
    const keep = Object.fromEntries(plan.keep.map((k) => [k.ckpt.step, k.reasons]));
    expect(keep).toEqual({
      1: ['protected'],
      2: ['launch_source'],
      3: ['recovery_source'],
      5: ['keep_every'],
      7: ['milestone'],
      10: ['keep_every'],
      11: ['latest'],
      12: ['latest', 'final'],
    });
    expect(plan.delete.map((c) => c.step)).toEqual([4, 6, 8, 9]);
    expect(plan.unmatchedProtect).toEqual(['checkpoints/999']);
    // Planning deletes nothing.
    expect((await readdir(path.join(root, 'checkpoints'))).length).toBe(12);

    const removed = await applyPrune(plan);
    expect(removed.map((c) => c.step)).toEqual([4, 6, 8, 9]);
    const left = (await readdir(path.join(root, 'checkpoints'))).map(Number).sort((a, b) => a - b);
    expect(left).toEqual([1, 2, 3, 5, 7, 10, 11, 12]);
  });

  it('counts latest N among complete checkpoints and never deletes one still being written', async () => {
    await series([100, 200, 300]);
    await makeCkpt('checkpoints/50', { complete: false });
    await makeCkpt('checkpoints/400', { complete: false });
    const plan = planPrune(await listCheckpoints(root), { keepLast: 1, protect: [] });
    expect(plan.keep.map((k) => [k.ckpt.step, k.reasons])).toEqual([
      [300, ['latest']],
      [400, ['in_progress']],
    ]);
    expect(plan.delete.map((c) => c.step)).toEqual([50, 100, 200]);
  });

  it('refuses a malformed policy', async () => {
    const ckpts = await series([1]);
    expect(() => planPrune(ckpts, { keepLast: -1, protect: [] })).toThrow(RunlogError);
    expect(() => planPrune(ckpts, { keepLast: 1, keepEvery: 0, protect: [] })).toThrow(/keep-every/);
  });

  it('applyPrune never removes a checkpoint the plan also keeps, and skips ones already gone', async () => {
    const ckpts = await series([1, 2]);
    const [one, two] = ckpts as [Checkpoint, Checkpoint];
    await rm(two.path, { recursive: true });
    const removed = await applyPrune({
      delete: [one, two],
      keep: [{ ckpt: one, reasons: ['protected'] }],
      unmatchedProtect: [],
    });
    expect(removed).toEqual([]);
    expect((await stat(one.path)).isDirectory()).toBe(true);
  });
});
