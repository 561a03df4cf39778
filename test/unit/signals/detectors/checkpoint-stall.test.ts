import { describe, expect, it } from 'vitest';
import { detectCheckpointStall } from '../../../../src/signals/detectors/index.js';

const progress = (to: number) => Array.from({ length: to / 100 + 1 }, (_, i) => ({ step: i * 100 }));
const ckpts = (...steps: number[]) => steps.map((step) => ({ step, complete: true, path: `/out/ckpt/step-${step}` }));

describe('detectCheckpointStall', () => {
  it('alerts when training runs more than two intervals past the newest complete checkpoint', () => {
    const [f, ...rest] = detectCheckpointStall({ checkpoints: ckpts(1000, 2000, 3000), progress: progress(5200) });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'checkpoint_stall',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: 'Training is 2200 steps past the newest complete checkpoint (interval 1000)',
    });
    expect(f!.evidence).toContain('newest complete checkpoint /out/ckpt/step-3000 (step 3000)');
  });

  it('sorts by numeric step, not by path', () => {
    const unsorted = [...ckpts(10000, 9000), ...ckpts(8000)];
    expect(detectCheckpointStall({ checkpoints: unsorted, progress: progress(10500) })).toEqual([]);
  });

  it('stays quiet while checkpoints keep up, and without progress', () => {
    expect(detectCheckpointStall({ checkpoints: ckpts(1000, 2000, 3000), progress: progress(4900) })).toEqual([]);
    expect(detectCheckpointStall({ checkpoints: ckpts(1000, 2000), progress: [] })).toEqual([]);
  });

  it('uses the configured interval, even with no checkpoint yet', () => {
    const [f] = detectCheckpointStall({ checkpoints: [], progress: progress(2500), interval: 1000 });
    expect(f?.message).toBe('Training is 2500 steps past the newest complete checkpoint (interval 1000)');
    expect(f?.evidence).toContain('newest complete checkpoint none');
  });

  it('warns when the newest checkpoint lacks metadata.json, and alerts when training moved well past it', () => {
    const writing = detectCheckpointStall({
      checkpoints: [...ckpts(1000, 2000), { step: 3000, complete: false }],
      progress: progress(3100),
    });
    expect(writing).toHaveLength(1);
    expect(writing[0]).toMatchObject({ severity: 'warn', message: 'The newest checkpoint has no metadata.json yet' });
    expect(writing[0]!.evidence).toContain('newest checkpoint step 3000 lacks metadata.json');

    const stuck = detectCheckpointStall({
      checkpoints: [...ckpts(1000, 2000), { step: 3000, complete: false }],
      progress: progress(4500),
    });
    expect(stuck.map((f) => f.severity)).toEqual(['alert', 'alert']);
    expect(stuck[0]!.message).toContain('moved 1500 steps past it');
    expect(stuck[1]!.message).toBe('Training is 2500 steps past the newest complete checkpoint (interval 1000)');
  });
});
