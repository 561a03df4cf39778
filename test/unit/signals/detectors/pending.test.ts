import { describe, expect, it } from 'vitest';
import { RunlogError } from '../../../../src/core/errors.js';
import { detectPendingTooLong, resolveThresholds } from '../../../../src/signals/detectors/index.js';

describe('detectPendingTooLong', () => {
  it('warns after 30 minutes pending, with the scheduler reason', () => {
    const [f, ...rest] = detectPendingTooLong({
      since: '2026-03-11T10:00:00Z',
      now: '2026-03-11T10:45:00Z',
      reason: 'Resources',
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'pending_too_long',
      severity: 'warn',
      kind: 'run_unhealthy',
      message: 'The job has been pending for 45 min (limit 30 min)',
    });
    expect(f!.evidence).toBe('queued since 2026-03-11T10:00:00.000Z; reason Resources');
    expect(f!.next).toMatch(/without approval/);
  });

  it('alerts at once when the reason never resolves', () => {
    const [f] = detectPendingTooLong({
      since: new Date('2026-03-11T10:00:00Z'),
      now: new Date('2026-03-11T10:02:00Z'),
      reason: 'ReqNodeNotAvail',
      neverStarts: true,
    });
    expect(f).toMatchObject({ severity: 'alert', message: 'The job will not start by itself (ReqNodeNotAvail)' });
  });

  it('stays quiet within the limit, which config can change', () => {
    const input = { since: '2026-03-11T10:00:00Z', now: '2026-03-11T10:20:00Z' };
    expect(detectPendingTooLong(input)).toEqual([]);
    expect(detectPendingTooLong(input, resolveThresholds({ pendingMaxMinutes: 10 }))).toHaveLength(1);
  });

  it('rejects an unreadable timestamp', () => {
    expect(() => detectPendingTooLong({ since: 'yesterday', now: '2026-03-11T10:20:00Z' })).toThrowError(RunlogError);
  });
});
