/**
 * Slurm faults end to end: the daemons are stopped under real runs while
 * `runlog supervise` / `runlog poll` watch them, and the run log must show
 * only what Slurm really said. Each test holds the Slurm test lock
 * exclusively, so no other Slurm test (in any file) runs meanwhile.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PollOutput, SubmitOutput } from '../../src/schemas/output.js';
import { git, newRun, runlog, spawnRunlog, waitFor } from '../support/ledger.js';
import { lastJob, pollUntil, show, submit, train } from '../support/jobs.js';
import { daemonAlive, daemonPid, describeSlurm, holdSlurm, startSlurm } from '../support/slurm.js';

const SLURM = ['--executor', 'slurm'];
const ACTIVE = ['queued', 'running', 'stalled', 'lost'];

function sacct(env: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'sacct',
      ['-n', '-X', '-j', '1'],
      { env: { ...process.env, ...env }, timeout: 30_000 },
      (_err, stdout, stderr) => resolve(`${stdout}${stderr}`),
    );
  });
}

describeSlurm(
  'Slurm faults under runlog',
  (suite) => {
    const ledger = async () => {
      const sl = await suite.ledger();
      return { sl, dir: sl.dir };
    };

    describe.sequential('daemons down', () => {
      holdSlurm('exclusive');

      it('slurmctld stopped mid-job: no state invented, monitor stale after the threshold, the real ending after restart', async () => {
        const sandbox = suite.slurm.sandbox as string;
        const { sl, dir } = await ledger();
        const run = await newRun(dir, 'ctld');
        const sub = SubmitOutput.parse(
          (
            await submit(
              dir,
              run,
              [...SLURM, '--retries', '0'],
              train('--steps', '40', '--sleep-ms', '150', '--fail-at', '30', '--fail-with', 'code'),
            )
          ).json,
        );
        const supervisor = spawnRunlog(dir, ['supervise', '--every', '1s']);
        let restarted = false;
        try {
          await waitFor(async () => (await show(dir, run)).state === 'running', {
            timeoutMs: 60_000,
            intervalMs: 300,
            what: 'the supervisor to see the job running',
          });
          const pid = daemonPid(sandbox, 'slurmctld') as number;
          process.kill(pid, 'SIGTERM');
          await waitFor(() => !daemonAlive('slurmctld', pid), {
            timeoutMs: 30_000,
            intervalMs: 200,
            what: 'slurmctld to exit',
          });
          const headAtOutage = (await git(dir, ['rev-parse', 'HEAD'])).trim();

          // A one-shot poll during the outage: exit 0, the transport error reported, nothing recorded.
          const poll = await runlog(dir, ['poll', run, '--json'], { timeoutMs: 120_000 });
          expect(poll.code, poll.stderr).toBe(0);
          const report = PollOutput.parse(poll.json);
          expect(report.transportErrors.join('\n')).toMatch(/Unable to contact slurm controller/);
          expect(report.changes).toEqual([]);

          // The job ends while nobody can ask Slurm; the supervisor says `monitor stale`, never an ending.
          await waitFor(() => existsSync(`${sub.outputDir}/exit-${sub.jobId}.code`), {
            timeoutMs: 60_000,
            what: 'the job to end during the outage',
          });
          const stale = await waitFor(
            async () => {
              const s = await show(dir, run);
              return s.status.some((e) => /^monitor stale: slurm unreachable/.test(e.message)) ? s : undefined;
            },
            { timeoutMs: 90_000, intervalMs: 500, what: 'a monitor stale entry' },
          );
          expect(stale?.state).toBe('running');
          const during = (await git(dir, ['log', '--format=%s', `${headAtOutage}..HEAD`])).split('\n').filter(Boolean);
          for (const subject of during) expect(subject).toMatch(/: log (progress|running)$/);

          await startSlurm({ SLURM_SANDBOX: sandbox });
          restarted = true;
          // Jobs that ended during the outage show RUNNING for up to ~25 s after the restart.
          const done = await waitFor(
            async () => {
              const s = await show(dir, run);
              return ACTIVE.includes(s.state) ? undefined : s;
            },
            { timeoutMs: 120_000, intervalMs: 500, what: 'the real ending after the restart' },
          );
          expect(done?.state).toBe('command_failed');
          expect(lastJob(done!)).toMatchObject({ exit_code: '1', failure_class: 'code_error' });
          const messages = done!.status.map((e) => e.message);
          expect(messages.some((m) => /^monitor back: slurm answered again/.test(m))).toBe(true);
          expect(messages.filter((m) => /^monitor stale/.test(m))).toHaveLength(1);
        } finally {
          supervisor.child.kill('SIGTERM');
          await supervisor.exited;
          if (!restarted) await startSlurm({ SLURM_SANDBOX: sandbox });
        }
        expect(sl.jobIds()).toEqual([sub.jobId]);
      }, 360_000);

      it('slurmd dead past SlurmdTimeout: a --no-requeue run ends worker_lost (node_failure); a requeued one gets a new Job block', async () => {
        const sandbox = suite.slurm.sandbox as string;
        const { sl, dir } = await ledger();
        const run = await newRun(dir, 'nodefail');
        const requeue = await newRun(dir, 'requeue');
        const sub = SubmitOutput.parse(
          (
            await submit(
              dir,
              run,
              [...SLURM, '--no-requeue', '--retries', '0'],
              train('--steps', '1000000', '--sleep-ms', '200'),
            )
          ).json,
        );
        const sub2 = SubmitOutput.parse(
          (await submit(dir, requeue, [...SLURM, '--retries', '0'], train('--steps', '1000000', '--sleep-ms', '200')))
            .json,
        );
        await pollUntil(dir, run, (s) => s === 'running', 60_000);
        await pollUntil(dir, requeue, (s) => s === 'running', 60_000);
        const pid = daemonPid(sandbox, 'slurmd') as number;
        process.kill(pid, 'SIGKILL');
        try {
          let seen = '';
          const [done, again] = (await waitFor(
            async () => {
              const poll = PollOutput.parse((await runlog(dir, ['poll', '--json'], { timeoutMs: 120_000 })).json);
              const a = await show(dir, run);
              const b = await show(dir, requeue);
              seen = `${a.state}; ${b.state} with ${b.jobs.length} Job block(s); last pass: ${JSON.stringify(poll.changes)} ${poll.transportErrors.join(' ')}`;
              return !ACTIVE.includes(a.state) && b.jobs.length === 2 ? [a, b] : undefined;
            },
            { timeoutMs: 180_000, intervalMs: 2000, what: 'the node failure to reach both runs' },
          ).catch((err: Error) => {
            throw new Error(`${err.message}; last seen: ${seen}`);
          })) as [Awaited<ReturnType<typeof show>>, Awaited<ReturnType<typeof show>>];
          expect(done.state).toBe('worker_lost');
          const job = lastJob(done);
          expect(job['failure_class']).toBe('node_failure');
          expect(job['execution_id']).toBe(sub.jobId);
          expect(job['evidence']).toMatch(/NODE_FAIL/);
          expect(job['evidence']).toMatch(/NodeDown/);

          expect(again.state).toBe('queued');
          expect(again.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (requeued 1)']);
          const [first, second] = again.jobs.map((j) => j.fields) as [Record<string, string>, Record<string, string>];
          expect(first['terminal_state']).toBe('worker_lost');
          expect(second).toMatchObject({
            execution_id: sub2.jobId,
            scheduler_restarts: '1',
            scheduled_by: 'scheduler',
            output_dir: sub2.outputDir,
            cluster: 'test',
            attempt: '2',
          });
          expect((await git(sl.l.remote, ['log', '--format=%s', 'main'])).split('\n')).toContain(
            `${requeue}: log requeued 1 (scheduler requeued the job)`,
          );
          // Polling on adds nothing: the requeue is recorded once.
          const head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
          await runlog(dir, ['poll', requeue, '--json'], { timeoutMs: 120_000 });
          expect((await git(dir, ['rev-parse', 'HEAD'])).trim()).toBe(head);
          const stop = await runlog(dir, ['stop', requeue, '--reason', 'node died', '--json'], { timeoutMs: 150_000 });
          expect(stop.code, stop.stderr).toBe(0);
          expect((await show(dir, requeue)).state).toBe('canceled');
        } finally {
          await startSlurm({ SLURM_SANDBOX: sandbox });
        }
      }, 360_000);

      it('without accounting: runs still reach their real endings from squeue, and sacct is really off', async () => {
        const sandbox = suite.slurm.sandbox as string;
        await startSlurm({ SLURM_SANDBOX: sandbox, SLURM_ACCOUNTING: '0' });
        try {
          expect(await sacct(suite.slurm.env)).toMatch(/accounting storage is disabled/i);
          const { dir } = await ledger();
          const ok = await newRun(dir, 'noacct-ok');
          const bad = await newRun(dir, 'noacct-bad');
          expect((await submit(dir, ok, SLURM, train('--steps', '5', '--sleep-ms', '50'))).code).toBe(0);
          expect(
            (
              await submit(
                dir,
                bad,
                [...SLURM, '--retries', '0'],
                ['sh', '-c', 'echo "ValueError: bad shard" >&2; exit 3'],
              )
            ).code,
          ).toBe(0);
          const a = await pollUntil(dir, ok, (s) => !ACTIVE.includes(s), 60_000);
          const b = await pollUntil(dir, bad, (s) => !ACTIVE.includes(s), 60_000);
          expect(a.state).toBe('completed');
          expect(b.state).toBe('command_failed');
          expect(lastJob(b)['exit_code']).toBe('3');
        } finally {
          await startSlurm({ SLURM_SANDBOX: sandbox, SLURM_ACCOUNTING: '1' });
        }
      }, 180_000);
    });
  },
  { sandbox: true },
);
