import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLogDoc } from '../../../src/markdown/runlog.js';
import { runFacts, runtimeSeconds } from '../../../src/ledger/read/run-facts.js';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures', 'real-ledger', 'ledger', 'run_logs');
const facts = (rel: string) => runFacts(new RunLogDoc(readFileSync(resolve(FIXTURES, rel), 'utf8'), rel));

describe('what compare reads from a hand-kept run log', () => {
  it('a finished replication: settings from the key settings line, the primary Results section wins', () => {
    const f = facts('arx5_multitask/2026-02-20_train.md');
    expect(f).toMatchObject({
      state: 'completed',
      stateInferred: true,
      runType: 'replication',
      attempts: 1,
      runtime: '18:26:53',
      runtimeSeconds: 66413,
      step: 9999,
      failureClass: null,
    });
    expect(f.settings).toEqual({
      script: 'slurm/train_arx5.sh',
      config: 'configurations/arx5_multitask.yaml',
      dataset: expect.stringContaining('arx5_multitask_v2.hdf5'),
      lr: '3e-4',
      batch: '64',
      steps: '10k',
      bf16: 'on',
    });
    // `loss` from the Status prose, train_loss from `end_train_loss` of the primary Results.
    expect(f.metrics).toEqual({ loss: 0.089, train_loss: 0.085 });
  });

  it('a run resubmitted across walltime limits: every Job block is an attempt', () => {
    const f = facts('arx5_multitask/2026-02-21_train_front_cam.md');
    expect(f.attempts).toBe(8);
    expect(f.settings).toMatchObject({ lr: '1e-4', batch: '32', resume: 'from latest' });
    expect(f.step).toBe(80100);
    expect(f.state).toBe('running');
    expect(f.metrics).toEqual({ train_loss: 0.061 });
  });

  it('runtime as people write it', () => {
    expect(runtimeSeconds('18:26:53')).toBe(66413);
    expect(runtimeSeconds('`1:05`')).toBe(3900);
    expect(runtimeSeconds('3h 12m')).toBe(11520);
    expect(runtimeSeconds('~2.5 h')).toBe(9000);
    expect(runtimeSeconds('45 min')).toBe(2700);
    expect(runtimeSeconds('about a day')).toBeNull();
  });
});
