import { describe, expect, it } from 'vitest';
import { planCampaign, type EntryView } from '../../../src/campaigns/schedule.js';
import type { RunState } from '../../../src/core/lifecycle.js';

const e = (entry: string, state: RunState, failureClass: string | null = null): EntryView => ({
  runId: `c-00000000/2026-05-01_${entry}`,
  entry,
  state,
  failureClass,
});
const base = { id: 'c-00000000', maxParallel: 2, failFast: false, halted: false, acknowledged: [] as string[] };

describe('planCampaign', () => {
  it('fills free slots up to max_parallel, in manifest order', () => {
    const d = planCampaign({ ...base, entries: [e('a', 'running'), e('b', 'pending'), e('c', 'pending')] });
    expect(d).toEqual({
      kind: 'launch',
      free: 1,
      candidates: ['c-00000000/2026-05-01_b', 'c-00000000/2026-05-01_c'],
      active: 1,
    });
  });

  it('launches nothing while max_parallel runs are active (stalled and lost ones hold their slot)', () => {
    expect(planCampaign({ ...base, entries: [e('a', 'stalled'), e('b', 'lost'), e('c', 'pending')] })).toMatchObject({
      kind: 'none',
      active: 2,
    });
  });

  it('continues after a failure by default', () => {
    expect(planCampaign({ ...base, entries: [e('a', 'command_failed', 'oom_gpu'), e('b', 'pending')] })).toMatchObject({
      kind: 'launch',
      free: 2,
    });
  });

  it('fail_fast halts on the first failure and cancels what never started; a cancel is not a failure', () => {
    expect(planCampaign({ ...base, failFast: true, entries: [e('a', 'canceled'), e('b', 'pending')] })).toMatchObject({
      kind: 'launch',
    });
    const d = planCampaign({
      ...base,
      failFast: true,
      entries: [e('a', 'command_failed', 'oom_gpu'), e('b', 'running'), e('c', 'pending')],
    });
    expect(d).toEqual({
      kind: 'halt',
      reason: 'fail_fast: entry a ended command_failed (oom_gpu); nothing new starts',
      cancel: ['c-00000000/2026-05-01_c'],
    });
  });

  it('a halted campaign starts nothing; failures a resume acknowledged do not halt it again', () => {
    expect(planCampaign({ ...base, halted: true, entries: [e('b', 'pending')] })).toMatchObject({ kind: 'none' });
    expect(
      planCampaign({
        ...base,
        failFast: true,
        acknowledged: ['a'],
        entries: [e('a', 'command_failed'), e('b', 'pending')],
      }),
    ).toMatchObject({ kind: 'launch' });
  });
});
