/**
 * Runs moved from the laptop to Slurm by changing --executor: submit, poll,
 * stop and supervise through the built CLI against the real single-node
 * Slurm, asserting on the run log, its Job block and the git history on the
 * remote. Holds the Slurm test lock shared (fault tests elsewhere wait).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CancelOutput, OperatorOutput, PollOutput, SubmitOutput } from '../../src/schemas/output.js';
import { git, newRun, runlog, runlogOk, spawnRunlog, stderrError, waitFor } from '../support/ledger.js';
import { lastJob, pollUntil, show, submit, train } from '../support/jobs.js';
import { jobNameOf, slurmJobsNamed } from '../support/slurm-ledger.js';
import { describeSlurm, holdSlurm } from '../support/slurm.js';

const SLURM = ['--executor', 'slurm'];

describeSlurm('runs on Slurm through the CLI', (suite) => {
  /** Each test gets its own ledger, so passes and commit counts are its own. */
  const ledger = async () => {
    const sl = await suite.ledger();
    return { sl, dir: sl.dir };
  };

  describe.concurrent('jobs', () => {
    holdSlurm('shared');

    it('a job that completes: batch script from the template, Job block with job id, partition, node and times, history on the remote', async () => {
      const { sl, dir } = await ledger();
      const run = await newRun(dir, 'ok');
      const r = await submit(
        dir,
        run,
        [...SLURM, '--cpus', '1', '--mem', '100M', '--time', '5m', '--no-requeue'],
        train('--steps', '12', '--sleep-ms', '100'),
      );
      expect(r.code, r.stderr).toBe(0);
      const sub = SubmitOutput.parse(r.json);
      expect(sub).toMatchObject({ id: run, executor: 'slurm', state: 'queued', attempt: 1 });
      expect(sub.jobId).toMatch(/^\d+$/);
      expect(sub.outputLog).toBe(`${sub.outputDir}/slurm-${sub.jobId}.out`);

      const script = readFileSync(`${sub.outputDir}/${jobNameOf(run)}.attempt-1.sbatch`, 'utf8');
      expect(script).toContain(`#SBATCH --job-name=${jobNameOf(run)}`);
      expect(script).toContain(`#SBATCH --output=${sub.outputDir}/slurm-%j.out`);
      expect(script).toMatch(/#SBATCH --partition=debug\n/);
      expect(script).toMatch(
        /#SBATCH --cpus-per-task=1\n#SBATCH --mem=100M\n#SBATCH --time=0-00:05:00\n#SBATCH --no-requeue\n/,
      );

      const done = await pollUntil(dir, run, (s) => !['queued', 'running'].includes(s), 90_000);
      expect(done.state).toBe('completed');
      const job = lastJob(done);
      expect(job).toMatchObject({
        executor: 'slurm',
        cluster: 'test',
        execution_id: sub.jobId,
        partition: 'debug',
        worker: 'localhost',
        terminal_state: 'completed',
        exit_code: '0',
      });
      for (const key of ['submitted', 'start', 'end', 'runtime']) expect(job[key], key).toMatch(/\d/);
      expect(job['evidence']).toMatch(new RegExp(`^(squeue|sacct): ${sub.jobId}\\|COMPLETED`));
      expect(done.results?.['final step']).toBe('12');
      const states = done.status.map((e) => e.state);
      // A 1 s job may end between two passes, so `running` is not required here.
      expect(states).toEqual(expect.arrayContaining(['validating', 'queued', 'completed']));
      expect(states.indexOf('queued')).toBeLessThan(states.indexOf('completed'));

      const subjects = (await git(sl.l.remote, ['log', '--format=%s', 'main'])).split('\n');
      for (const what of ['log launch intent (attempt 1)', 'log launch', 'complete'])
        expect(subjects).toContain(`${run}: ${what}`);
      expect(slurmJobsNamed(sl.env, jobNameOf(run), dir)).toHaveLength(1);
    }, 120_000);

    it('a job that exits non-zero is command_failed with a class from its exit code and log tail', async () => {
      const { dir } = await ledger();
      const run = await newRun(dir, 'fail');
      const r = await submit(
        dir,
        run,
        [...SLURM, '--retries', '0'],
        train('--steps', '20', '--fail-at', '3', '--fail-with', 'data', '--sleep-ms', '20'),
      );
      expect(r.code, r.stderr).toBe(0);
      const done = await pollUntil(dir, run, (s) => !['queued', 'running'].includes(s), 90_000);
      expect(done.state).toBe('command_failed');
      const job = lastJob(done);
      expect(job['failure_class']).toBe('data_error');
      expect(Number(job['exit_code'])).toBeGreaterThan(0);
      expect(job['evidence']).toMatch(/FAILED/);
      expect(done.status.at(-1)?.message).toMatch(/exit code \d+/);
    }, 120_000);

    it('an impossible request is validation_failed in preflight, before any sbatch', async () => {
      const { sl, dir } = await ledger();
      const run = await newRun(dir, 'huge');
      const r = await submit(dir, run, [...SLURM, '--cpus', '64', '--gres', 'gpu:1', '--json'], ['true']);
      expect(r.code).toBe(3);
      const err = (r.json as { error: { code: string; message: string } }).error;
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.message).toMatch(/requested 64 CPUs but the largest node in partition debug has \d+/);
      expect(err.message).toMatch(/requested GRES gpu:1 but no node in partition debug has gpu/);
      const s = await show(dir, run);
      expect(s.state).toBe('validation_failed');
      expect(s.status.at(-1)?.message).toMatch(/64 CPUs/);
      expect(lastJob(s)['execution_id'] ?? '').not.toMatch(/\d/);
      expect(slurmJobsNamed(sl.env, jobNameOf(run), dir)).toEqual([]);
      expect((await git(sl.l.remote, ['log', '-1', '--format=%s', 'main'])).trim()).toMatch(
        new RegExp(`^${run}: validation_failed`),
      );
    }, 60_000);

    it('Slurm flags with another executor, and an unknown profile, are usage errors that change nothing', async () => {
      const { dir } = await ledger();
      const run = await newRun(dir, 'usage');
      const before = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      const local = await runlog(dir, ['submit', run, '--partition', 'debug', '--no-requeue', '--', 'true']);
      expect(local.code).toBe(2);
      expect(stderrError(local.stderr)?.code).toBe('SLURM_FLAG_WITHOUT_SLURM');
      const profile = await runlog(dir, ['submit', run, ...SLURM, '--cluster', 'nope', '--', 'true']);
      expect(profile.code).toBe(2);
      expect(stderrError(profile.stderr)).toMatchObject({
        code: 'UNKNOWN_CLUSTER',
        hint: expect.stringMatching(/held, test|test, held/),
      });
      expect((await git(dir, ['rev-parse', 'HEAD'])).trim()).toBe(before);
      expect((await show(dir, run)).state).toBe('pending');
    }, 60_000);

    it('cancel while pending: a held job is flagged as never starting, then `runlog cancel` scancels it and confirms canceled', async () => {
      const { sl, dir } = await ledger();
      const run = await newRun(dir, 'held');
      const sub = SubmitOutput.parse((await submit(dir, run, [...SLURM, '--cluster', 'held'], ['sleep', '300'])).json);
      expect(sub.state).toBe('queued');
      const flagged = await waitFor(
        async () => {
          PollOutput.parse((await runlogOk(dir, ['poll', run, '--json'])).json);
          const s = await show(dir, run);
          return s.status.some((e) => /JobHeldUser/.test(e.message)) ? s : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 300, what: 'the JobHeldUser flag' },
      );
      if (!flagged) throw new Error('unreachable: waitFor returns a value');
      expect(flagged.state).toBe('queued');
      expect(flagged.status.at(-1)?.message).toMatch(
        /pending \(JobHeldUser\): the scheduler will not start this job by itself/,
      );
      expect(lastJob(flagged)['pending_flag']).toBe('never_starts: JobHeldUser');
      // One flag per reason: more passes add nothing.
      const count = (await git(dir, ['rev-list', '--count', 'HEAD'])).trim();
      await runlogOk(dir, ['poll', run]);
      expect((await git(dir, ['rev-list', '--count', 'HEAD'])).trim()).toBe(count);

      // `runlog cancel` on a launched run goes through the executor too: scancel, then the confirmed end.
      const cancel = CancelOutput.parse(
        (await runlogOk(dir, ['cancel', run, '--reason', 'held forever', '--json'])).json,
      );
      expect(cancel).toMatchObject({ id: run, previousState: 'queued', state: 'canceled', jobIds: [sub.jobId] });
      const s = await show(dir, run);
      expect(lastJob(s)['evidence']).toMatch(/CANCELLED/);
      expect(s.state).toBe('canceled');
      expect(lastJob(s)['failure_class']).toBe('cancelled');
      expect(slurmJobsNamed(sl.env, jobNameOf(run), dir)[0]).toMatch(/\|CANCELLED$/);
    }, 90_000);

    it('cancel while running: stop scancels, Slurm confirms, the run is canceled', async () => {
      const { sl, dir } = await ledger();
      const run = await newRun(dir, 'live');
      const sub = SubmitOutput.parse(
        (await submit(dir, run, SLURM, train('--steps', '100000', '--sleep-ms', '50'))).json,
      );
      await pollUntil(dir, run, (s) => s === 'running', 90_000);
      const stop = OperatorOutput.parse((await runlogOk(dir, ['stop', run, '--reason', 'wrong lr', '--json'])).json);
      expect(stop).toMatchObject({ before: 'running', after: 'canceled', jobIds: [sub.jobId] });
      const s = await show(dir, run);
      expect(s.state).toBe('canceled');
      expect(s.status.at(-1)?.message).toMatch(/stopped by operator: wrong lr/);
      await waitFor(() => existsSync(sub.outputLog!) && /CANCELLED AT/.test(readFileSync(sub.outputLog!, 'utf8')), {
        timeoutMs: 30_000,
        what: 'slurmstepd to note the cancel',
      });
      expect(slurmJobsNamed(sl.env, jobNameOf(run), dir)[0]).toMatch(/\|CANCELLED$/);
    }, 120_000);

    it('a job hitting its Slurm time limit is timed_out (walltime)', async () => {
      const { dir } = await ledger();
      const run = await newRun(dir, 'walltime');
      const sub = SubmitOutput.parse(
        (
          await submit(
            dir,
            run,
            [...SLURM, '--time', '1m', '--retries', '0'],
            train('--steps', '1000000', '--sleep-ms', '200'),
          )
        ).json,
      );
      const done = await pollUntil(dir, run, (s) => !['queued', 'running', 'stalled'].includes(s), 170_000);
      expect(done.state).toBe('timed_out');
      const job = lastJob(done);
      expect(job['failure_class']).toBe('walltime');
      expect(job['evidence']).toMatch(/TIMEOUT/);
      expect(readFileSync(sub.outputLog!, 'utf8')).toMatch(/DUE TO TIME LIMIT/);
    }, 200_000);

    it('a supervisor killed and restarted while jobs run: reconciled, no duplicate sbatch, retries launched once', async () => {
      const { sl, dir } = await ledger();
      const steady = await newRun(dir, 'steady');
      const flaky = await newRun(dir, 'flaky');
      expect((await submit(dir, steady, SLURM, train('--steps', '60', '--sleep-ms', '100'))).code).toBe(0);
      expect(
        (
          await submit(
            dir,
            flaky,
            [...SLURM, '--retries', '1'],
            train(
              '--steps',
              '60',
              '--sleep-ms',
              '100',
              '--fail-at',
              '2',
              '--fail-with',
              'network',
              '--fail-attempts',
              '1',
            ),
          )
        ).code,
      ).toBe(0);

      const first = spawnRunlog(dir, ['supervise', '--every', '0.5s']);
      try {
        // Let it see the network failure, schedule the retry and launch attempt 2.
        await waitFor(
          async () =>
            (await show(dir, flaky)).jobs.length === 2 &&
            /^\d+$/.test(lastJob(await show(dir, flaky))['execution_id'] ?? ''),
          {
            timeoutMs: 90_000,
            intervalMs: 300,
            what: 'the supervisor to launch the retry',
          },
        );
      } finally {
        first.child.kill('SIGKILL');
        const gone = await first.exited;
        if (process.env.RUNLOG_TEST_DEBUG) process.stderr.write(`first supervisor:\n${gone.stdout}\n${gone.stderr}\n`);
      }
      const second = spawnRunlog(dir, ['supervise', '--every', '0.5s', '--exit-when-idle', '--json']);
      const out = await second.exited;
      expect(out.code, out.stderr).toBe(0);
      const a = await show(dir, steady);
      const b = await show(dir, flaky);
      expect(a.state).toBe('completed');
      expect(a.jobs).toHaveLength(1);
      expect(b.state).toBe('completed');
      expect(b.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
      expect(b.jobs[0]!.fields['failure_class']).toBe('network_transient');
      // One sbatch per attempt: Slurm holds exactly the jobs the ledger recorded.
      expect(slurmJobsNamed(sl.env, jobNameOf(steady), dir)).toHaveLength(1);
      expect(slurmJobsNamed(sl.env, jobNameOf(flaky), dir)).toHaveLength(2);
      const recorded = b.jobs.map((j) => j.fields['execution_id']).sort();
      expect(
        slurmJobsNamed(sl.env, jobNameOf(flaky), dir)
          .map((l) => l.split('|')[0])
          .sort(),
      ).toEqual(recorded);
    }, 240_000);
  });
});
