import { describe, expect, it } from 'vitest';
import { detectMonitorStale, resolveThresholds } from '../../../../src/signals/detectors/index.js';

describe('detectMonitorStale', () => {
  it('reports a last check older than two cadences as monitor_stale, not run_unhealthy', () => {
    const [f, ...rest] = detectMonitorStale({
      now: '2026-03-11T12:00:00Z',
      cadenceMinutes: 15,
      lastCheckAt: '2026-03-11T11:20:00Z',
      jobRunning: true,
    });
    expect(rest).toEqual([]);
    expect(f).toMatchObject({
      detector: 'monitor_stale',
      severity: 'alert',
      kind: 'monitor_stale',
      message: "The monitor's last successful check was 40 min ago (cadence 15 min)",
    });
    expect(f!.evidence).toBe('last check 2026-03-11T11:20:00.000Z; limit 30 min');
  });

  it('reports an output log that stopped changing while the job runs', () => {
    const [f] = detectMonitorStale({
      now: '2026-03-11T12:00:00Z',
      cadenceMinutes: 15,
      lastCheckAt: '2026-03-11T11:55:00Z',
      jobRunning: true,
      logMtime: '2026-03-11T10:00:00Z',
    });
    expect(f).toMatchObject({
      kind: 'monitor_stale',
      severity: 'warn',
      message: 'The job is running but its output log has not changed for 2.0 h',
    });
  });

  it('is quiet for fresh checks, a fresh log, or a log that stopped because the job ended', () => {
    const base = { now: '2026-03-11T12:00:00Z', cadenceMinutes: 15, lastCheckAt: '2026-03-11T11:45:00Z' };
    expect(detectMonitorStale({ ...base, jobRunning: true, logMtime: '2026-03-11T11:59:00Z' })).toEqual([]);
    expect(detectMonitorStale({ ...base, jobRunning: false, logMtime: '2026-03-11T08:00:00Z' })).toEqual([]);
    expect(detectMonitorStale({ now: base.now, cadenceMinutes: 15, jobRunning: true })).toEqual([]);
  });

  it('takes staleLogMinutes from config', () => {
    const input = {
      now: '2026-03-11T12:00:00Z',
      cadenceMinutes: 15,
      jobRunning: true,
      logMtime: '2026-03-11T11:50:00Z',
    };
    expect(detectMonitorStale(input)).toEqual([]);
    expect(detectMonitorStale(input, resolveThresholds({ staleLogMinutes: 5 }))).toHaveLength(1);
  });
});
