/**
 * Failures classified from real exits: each class ends command_failed with
 * its evidence line quoted; OOM, code, data, numerical and auth are never
 * retried; transient classes are retried with backoff, each attempt in its
 * own Job (retry N) block, until the budget is spent (retry_exhausted).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollOutput } from '../../src/schemas/output.js';
import { newRun, runlogOk } from '../support/ledger.js';
import { jobLedger, lastJob, pollUntil, submit, train, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
beforeAll(async () => {
  jl = await jobLedger();
});
afterAll(() => jl.cleanup());

const NEVER_RETRIED: [string, string, RegExp][] = [
  ['oom_gpu', 'oom_gpu', /CUDA out of memory/],
  ['oom_host', 'oom_host', /MemoryError/],
  ['code', 'code_error', /ValueError: expected 3 channels/],
  ['data', 'data_error', /train-00042\.parquet/],
  ['numerical', 'numerical', /loss is nan/],
  ['auth', 'auth', /401 Unauthorized/],
];

describe('failure classes', () => {
  it.each(NEVER_RETRIED)(
    '--fail-with %s → command_failed (%s), evidence quoted, no retry despite a budget',
    async (kind, cls, evidence) => {
      const run = await newRun(jl.dir, `fail-${kind.replace('_', '-')}`);
      const r = await submit(
        jl.dir,
        run,
        ['--retries', '3'],
        train('--steps', '10', '--fail-at', '3', '--fail-with', kind, '--sleep-ms', '10'),
      );
      expect(r.code, r.stderr).toBe(0);
      const s = await pollUntil(jl.dir, run, (st) => st !== 'running');
      expect(s.state).toBe('command_failed');
      expect(s.failureClass).toBe(cls);
      expect(s.jobs).toHaveLength(1);
      expect(lastJob(s)['failure_class']).toBe(cls);
      expect(lastJob(s)['exit_code']).toBe('1');
      const entry = s.status.at(-1)!;
      expect(entry.state).toBe('command_failed');
      expect(entry.message).toMatch(evidence);
      expect(entry.message).toContain('at step 2');
    },
  );

  it('a transient failure is retried after a backoff and the retry completes', async () => {
    const run = await newRun(jl.dir, 'flaky-net');
    await submit(
      jl.dir,
      run,
      ['--retries', '2'],
      train('--steps', '6', '--fail-at', '3', '--fail-with', 'network', '--fail-attempts', '1', '--sleep-ms', '10'),
    );
    const scheduled = await pollUntil(jl.dir, run, (st) => st === 'pending');
    const block = lastJob(scheduled);
    expect(scheduled.jobs.at(-1)!.heading).toBe('Job (retry 1)');
    expect(block['retry_after']).toBe('network_transient');
    expect(block['not_before']).toMatch(/^\d{4}-.*Z$/);
    expect(scheduled.jobs[0]!.fields['terminal_state']).toBe('command_failed');
    expect(
      scheduled.status.some(
        (e) =>
          e.state === 'command_failed' && /network_transient: .*Connection reset by peer.*retry 1 of 2/.test(e.message),
      ),
    ).toBe(true);
    const done = await pollUntil(jl.dir, run, (st) => st === 'completed');
    expect(done.jobs.map((j) => j.fields['idempotency_key'])).toEqual([`${run}#1`, `${run}#2`]);
    expect(done.attempt).toBe(2);
    // The retry ran the very same command (the plan, not the scrubbed record).
    expect(lastJob(done)['command']).toBe(done.jobs[0]!.fields['command']);
  });

  it('retries stop at the budget: retry_exhausted', async () => {
    const run = await newRun(jl.dir, 'always-nccl');
    await submit(
      jl.dir,
      run,
      ['--retries', '1'],
      train('--steps', '6', '--fail-at', '2', '--fail-with', 'nccl', '--sleep-ms', '10'),
    );
    const s = await pollUntil(jl.dir, run, (st) => st === 'retry_exhausted', 40_000);
    expect(s.failureClass).toBe('nccl_timeout');
    expect(s.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
    expect(s.status.at(-1)!.message).toContain('retry budget of 1 spent');
  });

  it('with --retries 0 a transient failure is terminal: command_failed, no retry', async () => {
    const run = await newRun(jl.dir, 'no-retry');
    await submit(
      jl.dir,
      run,
      ['--retries', '0'],
      train('--steps', '6', '--fail-at', '2', '--fail-with', 'network', '--sleep-ms', '10'),
    );
    const s = await pollUntil(jl.dir, run, (st) => st !== 'running');
    expect(s.state).toBe('command_failed');
    expect(s.failureClass).toBe('network_transient');
    expect(s.jobs).toHaveLength(1);
    const p = PollOutput.parse((await runlogOk(jl.dir, ['poll', run, '--json'])).json);
    expect(p.changes).toEqual([]);
  });
});
