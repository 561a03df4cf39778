/**
 * Real jobs on a real Slurm. One file on purpose: the fault tests at the end
 * stop slurmctld and slurmd, and must not overlap the job tests (vitest runs
 * files in parallel, but the describes of one file in order).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlurmExecutor, SlurmTransportError } from '../../src/executors/slurm/index.js';
import type { JobHandle, JobObservation } from '../../src/executors/types.js';
import {
  daemonAlive,
  daemonPid,
  describeSlurm,
  holdSlurm,
  jobSpec,
  pollUntil,
  readIfExists,
  startSlurm,
  tempDir,
  waitFor,
} from '../support/slurm.js';

const ended = (o: JobObservation) => !['queued', 'running', 'unknown'].includes(o.phase);
const isRunning = (o: JobObservation) => o.phase === 'running';

describeSlurm('Slurm executor on a real cluster', (suite) => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('runlog-slurm-');
  });
  afterAll(async () => dir?.cleanup());
  const executor = (opts: ConstructorParameters<typeof SlurmExecutor>[0] = {}) =>
    new SlurmExecutor({ env: suite.slurm.env, callTimeoutMs: 40_000, ...opts });

  describe.concurrent('jobs', () => {
    // The returned release runs after each test; the wait may span another file's fault tests.
    holdSlurm('shared');

    // The time-limit case (70-95 s of real time) is covered once, end to end, in e2e-jobs.test.ts.
    it('a job that exits 0 is completed, with output, times, node and exit file', async () => {
      const exec = executor();
      const spec = jobSpec(dir.path, { argv: ['echo', 'hello from slurm'] });
      const handle = await exec.submit(spec);
      expect(handle).toMatchObject({
        executor: 'slurm',
        outputPath: join(spec.outputDir, `slurm-${handle.jobId}.out`),
      });
      expect(handle.extra?.partition).toBe('debug');
      const obs = await pollUntil(exec, handle, ended, 60_000);
      expect(obs).toMatchObject({ jobId: handle.jobId, phase: 'completed', exitCode: 0, node: 'localhost' });
      expect(obs.evidence).toMatch(new RegExp(`^squeue: ${handle.jobId}\\|COMPLETED\\|`));
      expect(Date.parse(obs.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(obs.startedAt ?? ''));
      expect(await readFile(handle.outputPath, 'utf8')).toBe('hello from slurm\n');
      expect(await readFile(join(spec.outputDir, `exit-${handle.jobId}.code`), 'utf8')).toBe('0\n');
    });

    it('a job that exits 3 is failed with exit code 3, seen the same way by squeue and sacct', async () => {
      const exec = executor();
      const handle = await exec.submit(
        jobSpec(dir.path, { argv: ['sh', '-c', 'echo to-out; echo to-err >&2; exit 3'], env: { RUNLOG_PROBE: 'x' } }),
      );
      const obs = await pollUntil(exec, handle, ended, 60_000);
      expect(obs).toMatchObject({ phase: 'failed', exitCode: 3, reason: 'NonZeroExitCode' });
      expect(await readFile(handle.outputPath, 'utf8')).toBe('to-out\nto-err\n');
      expect(await readIfExists(handle.extra?.exitCodePath ?? '')).toBe('3\n');
      // sacct lags squeue by seconds, and its first row may be a placeholder
      const fromSacct = await waitFor(
        'a full sacct record',
        async () => (await exec.observeFinished([handle])).get(handle.jobId),
        30_000,
      );
      expect(fromSacct).toMatchObject({ phase: 'failed', exitCode: 3 });
      expect(fromSacct.evidence).toMatch(new RegExp(`^sacct: ${handle.jobId}\\|`));
    });

    it('runs hostile argv exactly, in a hostile cwd, with the job env', async () => {
      const cwd = join(dir.path, `cwd it's $(x) "q"`);
      await mkdir(cwd);
      const hostile = [
        "it's",
        '$(touch PWNED1)',
        '`touch PWNED2`',
        'two\nlines',
        'a; touch PWNED3',
        '"dq"',
        'back\\slash',
        '$HOME',
        '*',
        '',
        '&& touch PWNED4',
      ];
      const exec = executor();
      const handle = await exec.submit(
        jobSpec(dir.path, {
          cwd,
          argv: ['sh', '-c', 'printf "[%s]" "$@"; printf "\\n%s\\n%s" "$PWD" "$RUNLOG_TEST_VAR"', 'argv0', ...hostile],
          env: { RUNLOG_TEST_VAR: `v'$(x) y` },
        }),
      );
      const obs = await pollUntil(exec, handle, ended, 60_000);
      expect(obs.phase).toBe('completed');
      expect(await readFile(handle.outputPath, 'utf8')).toBe(
        `${hostile.map((h) => `[${h}]`).join('')}\n${cwd}\nv'$(x) y`,
      );
      for (const n of [1, 2, 3, 4]) expect(await readIfExists(join(cwd, `PWNED${n}`))).toBeUndefined();
    });

    it('refuses an impossible request in preflight, before any sbatch', async () => {
      const exec = executor({ profile: { scarceGres: ['token'] } });
      const reasons = await exec.preflight(
        jobSpec(dir.path, { argv: ['true'], resources: { cpus: 64, memMb: 10_000_000, gres: 'token:3,gpu:1' } }),
      );
      expect(reasons).toEqual([
        'requested 64 CPUs but the largest node in partition debug has 2',
        expect.stringMatching(/^requested 10000000 MiB of memory but the largest node in partition debug has \d+ MiB$/),
        'requested GRES token:3 but the best node in partition debug has 2',
        'requested GRES gpu:1 but no node in partition debug has gpu',
      ]);
      expect(await exec.preflight(jobSpec(dir.path, { argv: ['true'], resources: { partition: 'nosuch' } }))).toEqual([
        'partition nosuch does not exist (partitions: debug)',
      ]);
      expect(await exec.preflight(jobSpec(dir.path, { argv: ['true'] }))).toEqual([
        'partition debug holds scarce GRES token on every node but the job requests none; request token or pick a partition without it',
      ]);
      expect(
        await exec.preflight(
          jobSpec(dir.path, { argv: ['true'], resources: { cpus: 2, gres: 'token:1', timeLimitSec: 7200 } }),
        ),
      ).toEqual([]);
      expect(exec.client.callsOf('sbatch')).toBe(0);
    });

    it('cancels a pending job (held) and reports canceled', async () => {
      const exec = executor({ profile: { extraArgs: ['--hold'] } });
      const handle = await exec.submit(jobSpec(dir.path, { argv: ['true'] }));
      const pending = await pollUntil(exec, handle, (o) => o.reason === 'JobHeldUser', 30_000);
      expect(pending).toMatchObject({ phase: 'queued', neverStarts: true });
      const obs = await exec.cancel(handle);
      expect(obs.phase).toBe('canceled');
      expect(obs.evidence).toMatch(/CANCELLED/);
      expect(await readIfExists(handle.outputPath)).toBeUndefined();
    });

    it('cancels a running job; its script still records the exit status', async () => {
      const exec = executor();
      const handle = await exec.submit(jobSpec(dir.path, { argv: ['sleep', '300'] }));
      await pollUntil(exec, handle, isRunning, 60_000);
      const obs = await exec.cancel(handle);
      expect(obs.phase).toBe('canceled');
      expect(obs.exitCode).toBeUndefined();
      expect(await waitFor('the exit-code file', () => readIfExists(handle.extra?.exitCodePath ?? ''), 15_000)).toBe(
        '143\n',
      );
      expect(await readFile(handle.outputPath, 'utf8')).toMatch(
        new RegExp(`JOB ${handle.jobId} ON localhost CANCELLED AT`),
      );
    });

    it('submits once per idempotency key', async () => {
      const exec = executor({ profile: { extraArgs: ['--hold'] } });
      const spec = jobSpec(dir.path, { argv: ['true'] });
      const first = await exec.submit(spec);
      const second = await exec.submit(spec);
      expect(second.jobId).toBe(first.jobId);
      expect(second.outputPath).toBe(first.outputPath);
      expect(exec.client.callsOf('sbatch')).toBe(1);
      const other = await exec.submit({ ...spec, attempt: 2, idempotencyKey: `${spec.runId}#2` });
      expect(other.jobId).not.toBe(first.jobId);
      // The same run id and key from another ledger (another output root) is another job.
      const elsewhere = await exec.submit({ ...spec, outputDir: join(dir.path, 'other-ledger') });
      expect([first.jobId, other.jobId]).not.toContain(elsewhere.jobId);
      await Promise.all([exec.cancel(first), exec.cancel(other), exec.cancel(elsewhere)]);
    });

    it('polls many jobs with one squeue call, plus one sacct call for ids squeue does not know', async () => {
      const exec = executor();
      const handles: JobHandle[] = [];
      for (let i = 0; i < 6; i += 1)
        handles.push(await exec.submit(jobSpec(dir.path, { argv: ['sh', '-c', `exit ${i % 2}`] })));
      const all = await waitFor(
        'all six jobs to end',
        async () => {
          const r = await exec.poll(handles);
          return [...r.jobs.values()].filter(ended).length === 6 ? r : undefined;
        },
        90_000,
      );
      expect(all.calls).toBe(1);
      expect(handles.map((h) => all.jobs.get(h.jobId)?.phase)).toEqual([
        'completed',
        'failed',
        'completed',
        'failed',
        'completed',
        'failed',
      ]);

      const squeueBefore = exec.client.callsOf('squeue');
      const sacctBefore = exec.client.callsOf('sacct');
      const ghost: JobHandle = { ...(handles[0] as JobHandle), jobId: '987654321' };
      const withGhost = await exec.poll([...handles, ghost]);
      expect(exec.client.callsOf('squeue') - squeueBefore).toBe(1);
      expect(exec.client.callsOf('sacct') - sacctBefore).toBe(1);
      expect(withGhost.calls).toBe(2);
      expect(withGhost.jobs.get('987654321')).toMatchObject({ phase: 'unknown' });
      expect(withGhost.transportError).toBeUndefined();
    });
  });

  describe.sequential('faults', () => {
    holdSlurm('exclusive');

    it('slurmctld down: poll reports a transport error and no state; after restart the real end state', async ({
      skip,
    }) => {
      if (!suite.slurm.sandbox) skip();
      const sandbox = suite.slurm.sandbox as string;
      const exec = executor();
      const handle = await exec.submit(jobSpec(dir.path, { argv: ['sh', '-c', 'sleep 6; exit 5'] }));
      await pollUntil(exec, handle, isRunning, 60_000);
      const pid = daemonPid(sandbox, 'slurmctld') as number;
      process.kill(pid, 'SIGTERM');
      await waitFor('slurmctld to exit', async () => (daemonAlive('slurmctld', pid) ? undefined : true), 30_000, 200);
      try {
        const [during, json, submit] = await Promise.all([
          exec.poll([handle]),
          exec.client.run('squeue', ['--json']).then(
            () => 'answered',
            (e: unknown) => e,
          ),
          exec.submit(jobSpec(dir.path, { argv: ['true'] })).then(
            () => 'submitted',
            (e: unknown) => e,
          ),
        ]);
        expect(during.transportError).toMatch(/Unable to contact slurm controller/);
        expect(during.jobs.size).toBe(0);
        expect(json).toBeInstanceOf(SlurmTransportError);
        expect(submit).toBeInstanceOf(SlurmTransportError);
        // the job finished during the outage
        await waitFor('the job to write its exit file', () => readIfExists(handle.extra?.exitCodePath ?? ''), 30_000);
      } finally {
        await startSlurm({ SLURM_SANDBOX: sandbox });
      }
      const after = await pollUntil(exec, handle, ended, 60_000, 1000);
      expect(after).toMatchObject({ phase: 'failed', exitCode: 5 });
    }, 180_000);

    // slurmd dead past SlurmdTimeout (about a minute of real time) is covered once, end to end, in e2e-faults.test.ts.
    it('without accounting, finished jobs are read from the exit-code file', async ({ skip }) => {
      if (!suite.slurm.sandbox) skip();
      const sandbox = suite.slurm.sandbox as string;
      await startSlurm({ SLURM_SANDBOX: sandbox, SLURM_ACCOUNTING: '0' });
      try {
        const exec = executor();
        const handle = await exec.submit(jobSpec(dir.path, { argv: ['sh', '-c', 'exit 4'] }));
        await pollUntil(exec, handle, ended, 60_000);
        const finished = await exec.observeFinished([handle, { ...handle, jobId: '987654322', extra: {} }]);
        expect(finished.get(handle.jobId)).toMatchObject({ phase: 'failed', exitCode: 4 });
        expect(finished.get(handle.jobId)?.evidence).toMatch(/exit-\d+\.code: 4 .*accounting is disabled/);
        expect(finished.get('987654322')).toMatchObject({ phase: 'unknown' });
        expect(exec.client.callsOf('sacct')).toBe(1);
      } finally {
        await startSlurm({ SLURM_SANDBOX: sandbox, SLURM_ACCOUNTING: '1' });
      }
    }, 120_000);
  });
});
