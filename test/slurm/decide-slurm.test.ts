/**
 * The Slurm-specific rules of the supervisor's decision, without a cluster:
 * pending reasons, requeues (Restarts), node failures and the mapping of
 * Slurm endings to run states and failure classes.
 */
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/config.js';
import type { JobObservation } from '../../src/executors/types.js';
import { latestProgress } from '../../src/signals/progress.js';
import type { AttemptRecord } from '../../src/jobs/attempt.js';
import { decide, type DecideInput } from '../../src/jobs/decide.js';
import { jobSettings } from '../../src/config/jobs.js';

const settings = jobSettings('/ledger', ConfigSchema.parse({}));
const T0 = Date.parse('2026-03-22T10:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);

const attempt = (over: Partial<AttemptRecord> = {}): AttemptRecord => ({
  heading: 'Job',
  attempt: 1,
  executor: 'slurm',
  jobId: '42',
  idempotencyKey: 'r#1',
  outputLog: '/o/slurm-42.out',
  submittedAt: at(0).toISOString(),
  retries: 2,
  fields: {},
  ...over,
});

const obs = (over: Partial<JobObservation>): JobObservation => ({
  jobId: '42',
  phase: 'queued',
  evidence: 'squeue: 42|PENDING|…',
  ...over,
});

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    state: 'queued',
    attempt: attempt(),
    now: at(60),
    settings,
    observation: obs({}),
    progress: latestProgress(''),
    tail: '',
    retriesUsed: 0,
    ...over,
  };
}

describe('decide on Slurm observations', () => {
  it('flags a reason that never starts by itself at once, and only once', () => {
    const held = obs({ reason: 'JobHeldUser', neverStarts: true });
    const first = decide(input({ observation: held }));
    expect(first).toMatchObject({ kind: 'update', fields: [['pending_flag', '`never_starts: JobHeldUser`']] });
    expect(first.kind === 'update' && first.message).toMatch(
      /pending \(JobHeldUser\): the scheduler will not start this job by itself/,
    );
    expect(first.kind === 'update' && first.state).toBeUndefined();
    expect(
      decide(input({ observation: held, attempt: attempt({ fields: { pending_flag: 'never_starts: JobHeldUser' } }) }))
        .kind,
    ).toBe('none');
    // Another never-starting reason is news.
    expect(
      decide(
        input({
          observation: obs({ reason: 'PartitionConfig', neverStarts: true }),
          attempt: attempt({ fields: { pending_flag: 'never_starts: JobHeldUser' } }),
        }),
      ).kind,
    ).toBe('update');
  });

  it('flags an ordinary wait only after pending_grace, once', () => {
    const waiting = obs({ reason: 'Resources' });
    expect(decide(input({ observation: waiting, pendingGraceMs: 120_000, now: at(119) })).kind).toBe('none');
    const late = decide(input({ observation: waiting, pendingGraceMs: 120_000, now: at(121) }));
    expect(late).toMatchObject({ kind: 'update', fields: [['pending_flag', '`pending_long: Resources`']] });
    expect(late.kind === 'update' && late.message).toMatch(
      /^pending for 2m \(Resources\), longer than pending_grace 2m; evidence: squeue: 42\|PENDING/,
    );
    expect(
      decide(
        input({
          observation: waiting,
          pendingGraceMs: 120_000,
          now: at(500),
          attempt: attempt({ fields: { pending_flag: 'pending_long: Resources' } }),
        }),
      ).kind,
    ).toBe('none');
    expect(decide(input({ observation: waiting, now: at(100_000) })).kind).toBe('none');
  });

  it('a higher Restarts count is a requeue, once per restart, with the cause only from evidence', () => {
    const requeued = obs({ restarts: 1, reason: 'BeginTime' });
    expect(decide(input({ state: 'running', observation: requeued }))).toMatchObject({
      kind: 'requeue',
      restarts: 1,
      failureClass: 'unknown',
    });
    const tail = 'step=5\nslurmstepd: error: *** JOB 42 ON n1 CANCELLED AT 2026-03-22T10:01:00 DUE TO PREEMPTION ***\n';
    expect(decide(input({ state: 'running', observation: requeued, tail }))).toMatchObject({
      kind: 'requeue',
      failureClass: 'preemption',
    });
    expect(
      decide(input({ observation: requeued, attempt: attempt({ fields: { scheduler_restarts: '1' } }) })).kind,
    ).not.toBe('requeue');
  });

  it('maps Slurm endings to run states and classes', () => {
    const end = (o: Partial<JobObservation>) => decide(input({ state: 'running', observation: obs(o) }));
    expect(end({ phase: 'node_failure', reason: 'NodeDown', evidence: 'sacct: 42|NODE_FAIL' })).toMatchObject({
      kind: 'end',
      state: 'worker_lost',
      failureClass: 'node_failure',
      retry: true,
    });
    expect(end({ phase: 'timed_out', reason: 'TimeLimit', signal: 'SIGTERM' })).toMatchObject({
      kind: 'end',
      state: 'timed_out',
      failureClass: 'walltime',
    });
    expect(end({ phase: 'oom', exitCode: 0, evidence: 'sacct: 42|OUT_OF_MEMORY' })).toMatchObject({
      kind: 'end',
      state: 'command_failed',
      failureClass: 'oom_host',
      retry: false,
    });
    expect(end({ phase: 'preempted', evidence: 'squeue: 42|CANCELLED' })).toMatchObject({
      kind: 'end',
      failureClass: 'preemption',
      retry: true,
    });
    expect(end({ phase: 'canceled', evidence: 'sacct: 42|CANCELLED by 0' })).toMatchObject({
      kind: 'end',
      state: 'canceled',
      failureClass: 'cancelled',
    });
    const started = decide(
      input({ observation: obs({ phase: 'running', node: 'n7', startedAt: at(10).toISOString() }) }),
    );
    expect(started).toMatchObject({ kind: 'update', state: 'running' });
    expect(started.kind === 'update' && started.fields).toEqual(expect.arrayContaining([['worker', '`n7`']]));
  });
});
