/**
 * Status entries in every shape hand-kept ledgers use, and the line runlog
 * writes read back to the same fields.
 */
import { describe, expect, it } from 'vitest';
import { formatStatusLine, parseEntryBody, parseStatusLine } from '../../../src/markdown/status-line.js';

describe('parseStatusLine: the shapes people write', () => {
  const cases: [string, Partial<ReturnType<typeof parseStatusLine> & object>][] = [
    [
      '- 2026-03-11 15:00 UTC — running, step 2400, train_loss 0.085',
      {
        at: '2026-03-11T15:00:00Z',
        stamp: '2026-03-11 15:00 UTC',
        state: 'running',
        step: 2400,
        metrics: { train_loss: 0.085 },
        message: '',
        continuation: false,
      },
    ],
    [
      '- 2026-03-12 — completed, exit code 0',
      { at: '2026-03-12', stamp: '2026-03-12', state: 'completed', message: 'completed, exit code 0' },
    ],
    [
      '- 2026-03-11 15:00 — running, step 2400',
      { at: '2026-03-11T15:00:00Z', stamp: '2026-03-11 15:00', state: 'running', step: 2400 },
    ],
    [
      '- 2026-02-20 ~15:00 UTC — step 4,100, loss 0.41, no NaNs',
      { at: '2026-02-20T15:00:00Z', stamp: '2026-02-20 ~15:00 UTC', state: null, step: 4100, metrics: { loss: 0.41 } },
    ],
    [
      '- 2026-02-20 21:XX UTC — step 7,800 (checked from a phone)',
      { at: '2026-02-20', stamp: '2026-02-20 21:XX UTC', step: 7800 },
    ],
    [
      '- 2026-02-21 - step 9,500, loss 0.089, ETA 40 min',
      { at: '2026-02-21', stamp: '2026-02-21', step: 9500, metrics: { loss: 0.089 } },
    ],
    [
      '- 2026-02-22 12:47 - RUNNING on nid001260, step 41,200',
      { at: '2026-02-22T12:47:00Z', state: 'running', step: 41200, message: 'RUNNING on nid001260, step 41,200' },
    ],
    [
      '- 2026-02-20 09:14 UTC — submitted job 4419021, PD (Priority)',
      { state: 'queued', step: null, message: 'submitted job 4419021, PD (Priority)' },
    ],
    ['- 2026-02-22 12:00 — PD, waiting on QOS', { state: 'queued', message: 'PD, waiting on QOS' }],
    [
      '- 2026-02-20 09:31 UTC — RUNNING on nid001234, step 120, loss 1.94, 1.7 it/s, ETA ~16h',
      { state: 'running', step: 120, message: 'RUNNING on nid001234, step 120, loss 1.94, 1.7 it/s, ETA ~16h' },
    ],
    [
      '- 2026-03-04 18:00 UTC — CANCELLED by ana (scancel 4431022): nid001322 kept dropping',
      { state: 'canceled', at: '2026-03-04T18:00:00Z' },
    ],
    ['- 2026-03-01 13:00 UTC — NODE_FAIL on nid001303, requeued by hand', { state: 'worker_lost' }],
    ['- 2026-02-23 11:59 UTC — timed out at walltime, step 79,400', { state: null, step: 79400 }],
    ['- 2026-03-11T15:00:00Z — running', { at: '2026-03-11T15:00:00Z', state: 'running' }],
    ['- 2026-03-11 08:00 PDT — running', { at: '2026-03-11T15:00:00Z', stamp: '2026-03-11 08:00 PDT' }],
    ['- 2026-03-11 08:00 XYZ — running', { at: '2026-03-11' }],
    [
      '-  2026-03-21 09:00 UTC  —  running,  step 500, loss 1.2   ',
      { at: '2026-03-21T09:00:00Z', state: 'running', step: 500, metrics: { loss: 1.2 }, message: '' },
    ],
    ['* 2026-03-11 15:00 UTC – failed: OOM at step 300', { state: 'command_failed', step: 300 }],
    ['- 2026-03-11 — 2026 budget note', { stamp: '2026-03-11', message: '2026 budget note' }],
  ];
  for (const [line, want] of cases) {
    it(line, () => {
      expect(parseStatusLine(line, 7)).toMatchObject({ line: 7, ...want });
    });
  }

  it('reads undated lines as continuation facts of the entry above', () => {
    expect(parseStatusLine('- failure reason: walltime, not a crash', 3)).toMatchObject({
      at: null,
      stamp: null,
      state: null,
      continuation: true,
      message: 'failure reason: walltime, not a crash',
    });
    expect(parseStatusLine('  - wandb offline dir synced', 4)).toMatchObject({
      continuation: true,
      message: 'wandb offline dir synced',
    });
  });

  it('ignores lines that are not list items', () => {
    expect(parseStatusLine('Loss is noisy but falling.', 1)).toBeNull();
    expect(parseStatusLine('', 1)).toBeNull();
    expect(parseStatusLine('    - 2026-03-11 — indented code, not an item', 1)).toBeNull();
  });
});

describe('parseEntryBody', () => {
  it('splits a structured head from the message after an em dash', () => {
    expect(parseEntryBody('running, step 2400, train_loss 0.085 — loss still falling')).toEqual({
      state: 'running',
      step: 2400,
      metrics: { train_loss: 0.085 },
      message: 'loss still falling',
    });
  });
  it('keeps prose whole and still finds a step in it', () => {
    expect(parseEntryBody('resumed on nid001 at step 12,000')).toEqual({
      state: null,
      step: 12000,
      metrics: {},
      message: 'resumed on nid001 at step 12,000',
    });
  });
  it('reads metric-named tokens out of prose, but not job ids', () => {
    expect(
      parseEntryBody('RUNNING on nid001234, step 120, loss 1.94, 1.7 it/s, job 4419021, grad_norm 0.9'),
    ).toMatchObject({ state: 'running', step: 120, metrics: { loss: 1.94, grad_norm: 0.9 } });
    expect(parseEntryBody('submitted job 4419021, PD (Priority)').metrics).toEqual({});
  });
  it('reads step N/M and key=value metrics', () => {
    expect(parseEntryBody('running, step 4200/10000, loss=0.3,grad_norm=1.5')).toMatchObject({
      step: 4200,
      metrics: { loss: 0.3, grad_norm: 1.5 },
    });
  });
});

describe('formatStatusLine round-trip', () => {
  const at = new Date('2026-03-11T15:00:42Z');
  const cases: { state: string; step: number | null; metrics: Record<string, number>; message: string }[] = [
    { state: 'running', step: 2400, metrics: { train_loss: 0.085 }, message: 'loss still falling' },
    { state: 'running', step: null, metrics: {}, message: '' },
    {
      state: 'completed',
      step: 100000,
      metrics: { val_loss: 0.028, 'eval/acc': 0.91 },
      message: 'exit code 0; smooth descent, no spikes',
    },
    {
      state: 'command_failed',
      step: null,
      metrics: {},
      message: 'oom_gpu: CUDA out of memory — at step 300, see err log',
    },
    {
      state: 'running',
      step: 0,
      metrics: { loss: Number.NaN, grad_norm: Number.POSITIVE_INFINITY, lr: 3e-7, delta: -0.5 },
      message: 'numbers of every kind',
    },
    { state: 'pending', step: null, metrics: {}, message: 'resumed as attempt 2 from /scratch/ckpt/step-52000' },
  ];
  for (const c of cases) {
    it(`${c.state} ${JSON.stringify(c.metrics)} ${c.message}`, () => {
      const line = formatStatusLine({ at, ...c });
      expect(line.startsWith('- 2026-03-11 15:00 UTC — ')).toBe(true);
      const back = parseStatusLine(line, 1)!;
      expect(back).toMatchObject({
        at: '2026-03-11T15:00:00Z',
        stamp: '2026-03-11 15:00 UTC',
        state: c.state,
        step: c.step,
        message: c.message,
        continuation: false,
      });
      expect(back.metrics).toEqual(c.metrics);
      expect(
        formatStatusLine({ at, state: back.state!, step: back.step, metrics: back.metrics, message: back.message }),
      ).toBe(line);
    });
  }
});
