import { describe, expect, it } from 'vitest';
import { detectConfigDrift, diffConfigs } from '../../../../src/signals/detectors/index.js';

const prior = {
  trainer: { max_steps: 100000, global_batch_size: 512, seed: 0, checkpoint_interval: 1000 },
  optimizer: { name: 'adamw', lr: 3e-4 },
  mesh: { dp: 8, tp: 1 },
  precision: 'bf16',
  data: { path: 'gs://bucket/c4-v2', seq_len: 4096 },
  wandb: { id: 'abc123', name: 'hero-1' },
  eval_every: 500,
};

describe('detectConfigDrift', () => {
  it('alerts on changed training-critical keys and lists every change', () => {
    const current = structuredClone(prior);
    current.trainer.global_batch_size = 1024;
    current.data.path = 'gs://bucket/c4-v3';
    current.eval_every = 1000;
    const [f, ...rest] = detectConfigDrift({ previous: prior, current });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ detector: 'config_drift', severity: 'alert', kind: 'run_unhealthy' });
    expect(f!.message).toBe('The relaunch changes data.path, trainer.global_batch_size from the prior instance');
    expect(f!.evidence).toBe(
      'data.path: gs://bucket/c4-v2 → gs://bucket/c4-v3; eval_every: 500 → 1000; trainer.global_batch_size: 512 → 1024',
    );
  });

  it('flags each critical family', () => {
    const keys = [
      'trainer.max_steps',
      'trainer.seed',
      'trainer.checkpoint_interval',
      'optimizer.name',
      'mesh.tp',
      'precision',
      'data.seq_len',
    ];
    const current = {
      ...structuredClone(prior),
      trainer: { max_steps: 1, global_batch_size: 512, seed: 1, checkpoint_interval: 7 },
      optimizer: { name: 'lion', lr: 3e-4 },
      mesh: { dp: 8, tp: 2 },
      precision: 'fp32',
      data: { path: 'gs://bucket/c4-v2', seq_len: 2048 },
    };
    const changes = diffConfigs({ previous: prior, current });
    expect(changes.map((c) => c.key).sort()).toEqual([...keys].sort());
    expect(changes.every((c) => c.critical)).toBe(true);
  });

  it('warns on non-critical changes, including added and removed keys', () => {
    const [f] = detectConfigDrift({ previous: { a: 1, log_every: 10 }, current: { log_every: 20, note: 'x' } });
    expect(f).toMatchObject({
      severity: 'warn',
      message: 'The relaunch changes 3 config keys from the prior instance',
    });
    expect(f!.evidence).toBe('a: 1 → (unset); log_every: 10 → 20; note: (unset) → x');
  });

  it('is quiet for identical configs and ignored keys', () => {
    expect(detectConfigDrift({ previous: prior, current: structuredClone(prior) })).toEqual([]);
    const current = { ...structuredClone(prior), wandb: { id: 'zzz', name: 'hero-1b' } };
    expect(detectConfigDrift({ previous: prior, current, ignore: ['wandb.'] })).toEqual([]);
  });

  it('tells a number from its string', () => {
    expect(diffConfigs({ previous: { seed: 1 }, current: { seed: '1' } })).toHaveLength(1);
  });
});
