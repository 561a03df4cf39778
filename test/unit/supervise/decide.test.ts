import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/config.js';
import type { JobObservation } from '../../../src/executors/types.js';
import { latestProgress } from '../../../src/signals/progress.js';
import type { AttemptRecord } from '../../../src/jobs/attempt.js';
import { backoffMs } from '../../../src/core/backoff.js';
import { decide, type DecideInput } from '../../../src/jobs/decide.js';
import { jobSettings } from '../../../src/config/jobs.js';

const settings = jobSettings(
  '/ledger',
  ConfigSchema.parse({ jobs: { stall_grace: '60s', lost_grace: '120s', cadence_steps: 100, cadence_every: '10m' } }),
);
const T0 = Date.parse('2026-03-22T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  heading: 'Job',
  attempt: 1,
  executor: 'local',
  jobId: 'h:1',
  idempotencyKey: 'r#1',
  outputLog: '/o/output.log',
  startedAt: at(0).toISOString(),
  timeoutMs: 3_600_000,
  heartbeatMs: 300_000,
  retries: 2,
  stallAction: 'retry',
  fields: {},
  ...over,
});

const running: JobObservation = { jobId: 'h:1', phase: 'running', evidence: 'wrapper alive' };

function input(over: Partial<DecideInput> & { log?: string } = {}): DecideInput {
  const log = over.log ?? 'step=10 loss=1.5\n';
  return {
    state: 'running',
    attempt: attempt(),
    now: at(60),
    settings,
    observation: running,
    progress: latestProgress(log),
    tail: log,
    retriesUsed: 0,
    ...over,
  };
}

describe('decide: the two clocks', () => {
  it('does nothing for a healthy run between cadence points', () => {
    expect(decide(input({ attempt: attempt({ lastStep: 10, lastStepAt: at(30).toISOString() }) })).kind).toBe('none');
  });

  it('wall clock past the timeout → timed_out (walltime), stopping the job first', () => {
    const d = decide(input({ now: at(3600) }));
    expect(d).toMatchObject({
      kind: 'end',
      state: 'timed_out',
      failureClass: 'walltime',
      stopFirst: true,
      retry: false,
    });
  });

  it('no new step within the heartbeat → stalled; then after the grace the remediation retries', () => {
    const a = attempt({ lastStep: 10, lastStepAt: at(0).toISOString() });
    const stalled = decide(input({ attempt: a, now: at(301) }));
    expect(stalled).toMatchObject({ kind: 'update', state: 'stalled' });
    const waiting = decide(
      input({ state: 'stalled', attempt: { ...a, stalledSince: at(301).toISOString() }, now: at(330) }),
    );
    expect(waiting.kind).toBe('none');
    const remediate = decide(
      input({ state: 'stalled', attempt: { ...a, stalledSince: at(301).toISOString() }, now: at(362) }),
    );
    expect(remediate).toMatchObject({ kind: 'end', state: 'timed_out', stopFirst: true, retry: true });
  });

  it('stall remediation with the budget spent is retry_exhausted; "fail" ends without retry', () => {
    const a = attempt({ lastStep: 10, lastStepAt: at(0).toISOString(), stalledSince: at(301).toISOString() });
    expect(decide(input({ state: 'stalled', attempt: a, now: at(400), retriesUsed: 2 }))).toMatchObject({
      state: 'retry_exhausted',
      retry: false,
    });
    expect(decide(input({ state: 'stalled', attempt: { ...a, stallAction: 'fail' }, now: at(400) }))).toMatchObject({
      state: 'timed_out',
      retry: false,
    });
  });

  it('a stalled run that prints a new step is running again', () => {
    const a = attempt({ lastStep: 10, lastStepAt: at(0).toISOString(), stalledSince: at(301).toISOString() });
    expect(
      decide(
        input({ state: 'stalled', attempt: a, now: at(320), log: 'step=11 loss=1.4\n', logMtimeMs: at(319).getTime() }),
      ),
    ).toMatchObject({ kind: 'update', state: 'running', step: 11 });
  });

  it('the supervisor memory of when a step appeared beats the log mtime (noise after the step)', () => {
    const d = decide(
      input({
        attempt: attempt({ lastStep: 5, lastStepAt: at(0).toISOString() }),
        now: at(400),
        logMtimeMs: at(399).getTime(),
        memo: { step: 10, seenAt: at(50).getTime() },
      }),
    );
    expect(d).toMatchObject({ kind: 'update', state: 'stalled' });
  });

  it('commits progress at the step cadence with loss and throughput', () => {
    const d = decide(
      input({
        attempt: attempt({ lastStep: 5, lastStepAt: at(50).toISOString() }),
        log: 'step=120 loss=0.9 samples_per_s=88\n',
      }),
    );
    expect(d).toMatchObject({ kind: 'update', step: 120, metrics: { train_loss: 0.9, samples_per_s: 88 } });
  });
});

describe('decide: endings', () => {
  const ended = (obs: Partial<JobObservation>, log: string, retriesUsed = 0) =>
    decide(input({ observation: { jobId: 'h:1', phase: 'failed', evidence: 'exit.json', ...obs }, log, retriesUsed }));

  it('exit 0 completes with the final step', () => {
    expect(
      decide(
        input({
          observation: { jobId: 'h:1', phase: 'completed', exitCode: 0, evidence: 'exit.json' },
          log: 'step=1 loss=2\nstep=9 loss=1\n',
        }),
      ),
    ).toMatchObject({ kind: 'end', state: 'completed', step: 9, metrics: { train_loss: 1 } });
  });

  it('a transient class is retried while the budget lasts, then retry_exhausted', () => {
    const log = 'step=3 loss=1\nConnectionResetError: [Errno 104] Connection reset by peer\n';
    expect(ended({ exitCode: 1 }, log)).toMatchObject({
      state: 'command_failed',
      failureClass: 'network_transient',
      retry: true,
    });
    expect(ended({ exitCode: 1 }, log, 2)).toMatchObject({
      state: 'retry_exhausted',
      failureClass: 'network_transient',
      retry: false,
    });
  });

  it('preemption and node failure spend their own budget, never the user-failure one', () => {
    const lost = (over: Partial<DecideInput>) =>
      decide(
        input({
          state: 'lost',
          observation: { jobId: 'h:1', phase: 'unknown', evidence: 'gone' },
          now: at(121),
          ...over,
        }),
      );
    const spent = attempt({ lostSince: at(0).toISOString(), retries: 1, infraRetries: 2 });
    // The user budget of 1 is spent; a node failure still has its own two retries.
    expect(lost({ attempt: spent, retriesUsed: 1, infraRetriesUsed: 0 })).toMatchObject({
      failureClass: 'node_failure',
      retry: true,
    });
    expect(lost({ attempt: spent, retriesUsed: 1, infraRetriesUsed: 2 })).toMatchObject({
      state: 'retry_exhausted',
      retry: false,
    });
    // Infrastructure retries used up do not take a transient failure's retry away.
    const log = 'step=3 loss=1\nConnectionResetError: [Errno 104] Connection reset by peer\n';
    const transient = decide(
      input({
        attempt: attempt({ retries: 1, infraRetries: 2 }),
        observation: { jobId: 'h:1', phase: 'failed', exitCode: 1, evidence: 'exit.json' },
        log,
        retriesUsed: 0,
        infraRetriesUsed: 2,
      }),
    );
    expect(transient).toMatchObject({ failureClass: 'network_transient', retry: true });
  });

  it('OOM is never retried, whatever the budget', () => {
    expect(ended({ exitCode: 1 }, 'torch.OutOfMemoryError: CUDA out of memory.\n')).toMatchObject({
      state: 'command_failed',
      failureClass: 'oom_gpu',
      retry: false,
    });
  });

  it('an executor that cannot see the job → lost, then worker_lost after the grace', () => {
    const unknown: JobObservation = { jobId: 'h:1', phase: 'unknown', evidence: 'no exit.json and wrapper gone' };
    expect(decide(input({ observation: unknown }))).toMatchObject({ kind: 'update', state: 'lost' });
    const a = attempt({ lostSince: at(0).toISOString(), retries: 0 });
    expect(decide(input({ state: 'lost', attempt: a, observation: unknown, now: at(60) })).kind).toBe('none');
    expect(decide(input({ state: 'lost', attempt: a, observation: unknown, now: at(121) }))).toMatchObject({
      state: 'worker_lost',
      failureClass: 'node_failure',
    });
  });

  it('a pass where the executor did not answer changes nothing', () => {
    expect(decide(input({ observation: undefined, now: at(99_999) })).kind).toBe('none');
  });
});

describe('backoff', () => {
  it('doubles per retry, is capped, and jitters within [50%, 100%]', () => {
    expect(backoffMs(1, 1000, 60_000, 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, 1)).toBe(4000);
    expect(backoffMs(3, 1000, 60_000, 0)).toBe(2000);
    expect(backoffMs(20, 1000, 60_000, 1)).toBe(60_000);
  });
});
