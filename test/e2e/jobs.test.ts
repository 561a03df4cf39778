/**
 * Launch and supervise real local jobs through the built CLI: every ending
 * reached for real (completed, canceled, timed_out, stalled → remediation,
 * worker_lost), provenance in the Job block, and polls batched per executor.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperatorOutput, PollOutput, SubmitOutput } from '../../src/schemas/output.js';
import { fileAt, git, newRun, runlog, runlogOk } from '../support/ledger.js';
import { jobFile, jobLedger, lastJob, pollUntil, show, submit, train, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
let dir: string;

beforeEach(async () => {
  jl = await jobLedger();
  dir = jl.dir;
});
afterEach(() => jl.cleanup());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a job that runs to the end', () => {
  it('is launched detached, records provenance, and reaches completed with results', async () => {
    const run = await newRun(dir, 'train', { extra: ['--dataset', 'hf://tiny/shards@v3'] });
    const launchedFrom = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    const r = await submit(
      dir,
      run,
      ['--timeout', '60s', '--heartbeat', '30s'],
      train('--steps', '8', '--sleep-ms', '40', '--api-key=sk-abcdefghijklmnopqrstuvwx1234'),
    );
    expect(r.code, r.stderr).toBe(0);
    const out = SubmitOutput.parse(r.json);
    expect(out.state).toBe('running');
    expect(out.previousState).toBe('pending');
    expect(out.key).toBe(`${run}#1`);
    expect(out.commits).toHaveLength(2);
    expect(out.pushed).toBe(true);

    const done = await pollUntil(dir, run, (s) => s === 'completed');
    const job = lastJob(done);
    expect(job['git_sha']).toBe(launchedFrom);
    expect(job['git_dirty']).toBe('no');
    expect(job['executor']).toBe('local');
    expect(job['execution_id']).toBe(out.jobId);
    expect(job['idempotency_key']).toBe(`${run}#1`);
    expect(job['dataset']).toBe('hf://tiny/shards@v3');
    expect(job['timeout']).toBe('1m');
    expect(job['runtime_env']).toContain(`node ${process.version}`);
    expect(job['start']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(job['end_human']).toMatch(/^\w+day, \w{3} \d+\w\w, \d{4}$/);
    expect(job['runtime']).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(job['exit_code']).toBe('0');
    expect(job['terminal_state']).toBe('completed');
    // The secret in argv never reaches the ledger; the command is otherwise exact.
    expect(job['command']).not.toContain('sk-abcdefghijklmnopqrstuvwx1234');
    // One shell line a person can paste: quoted only where a shell would read it differently.
    expect(job['command']).toMatch(/^node train\.mjs --steps 8 --sleep-ms 40 /);
    expect(done.results?.['final step']).toBe('8');
    expect(Number(done.results?.['end_train_loss'])).toBeLessThan(1.5);
    // The output was captured under the pinned root, which git ignores.
    expect(readFileSync(job['output_log']!, 'utf8')).toContain('step=8 loss=');
    expect(existsSync(join(job['output_dir']!, 'checkpoints', 'step-8', 'metadata.json'))).toBe(true);
    expect(await git(dir, ['status', '--porcelain'])).toBe('');
    // Everything is on the remote.
    const remoteLog = await fileAt(jl.l.remote, 'main', `run_logs/${run}.md`);
    expect(remoteLog).toContain('terminal_state: completed');
    const subjects = (await git(jl.l.remote, ['log', '--format=%s', 'main'])).split('\n');
    expect(subjects).toEqual(
      expect.arrayContaining([`${run}: log launch intent (attempt 1)`, `${run}: log launch`, `${run}: complete`]),
    );
  });

  it('commits progress at the step cadence, and nothing for a poll that saw no new step', async () => {
    jl.cleanup();
    jl = await jobLedger({ jobs: { cadence_every: '1h', cadence_steps: 50 } });
    dir = jl.dir;
    const quiet = await newRun(dir, 'quiet');
    await submit(dir, quiet, ['--heartbeat', '60s'], train('--steps', '100', '--hang-at', '3', '--sleep-ms', '5'));
    const moving = await newRun(dir, 'moving');
    await submit(dir, moving, ['--heartbeat', '60s'], train('--steps', '100000', '--sleep-ms', '5'));
    const headBefore = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    const changes = [];
    for (let i = 0; i < 4; i++)
      changes.push(...PollOutput.parse((await runlogOk(dir, ['poll', '--json'])).json).changes);
    expect(changes.filter((c) => c.id === quiet)).toEqual([]);
    const progress = changes.filter((c) => c.id === moving && c.action === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.length).toBeLessThanOrEqual(4);
    const s = await show(dir, moving);
    const steps = s.status.filter((e) => e.state === 'running' && e.step !== null).map((e) => e.step!);
    for (let i = 1; i < steps.length; i++) expect(steps[i]! - steps[i - 1]!).toBeGreaterThanOrEqual(50);
    expect(s.status.at(-1)!.metrics['train_loss']).toBeTypeOf('number');
    expect(s.status.at(-1)!.metrics['samples_per_s']).toBeTypeOf('number');
    const commits = (await git(dir, ['rev-list', '--count', `${headBefore}..HEAD`])).trim();
    expect(Number(commits)).toBe(progress.length);
    await runlogOk(dir, ['stop', moving, '--grace', '1s']);
    await runlogOk(dir, ['stop', quiet, '--grace', '1s']);
  });
});

describe('operator actions', () => {
  it('stop sends SIGTERM, records canceled, and says what changed', async () => {
    const run = await newRun(dir, 'stopme');
    const sub = SubmitOutput.parse((await submit(dir, run, [], train('--steps', '100000', '--sleep-ms', '20'))).json);
    const jobJson = JSON.parse(readFileSync(jobFile(dir, run, 1, 'job.json'), 'utf8')) as { childPid: number };
    expect(alive(jobJson.childPid)).toBe(true);
    const r = await runlogOk(dir, ['stop', run, '--reason', 'wrong lr', '--grace', '2s', '--json']);
    const out = OperatorOutput.parse(r.json);
    expect(out).toMatchObject({ action: 'stop', before: 'running', after: 'canceled', jobIds: [sub.jobId] });
    expect(out.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(alive(jobJson.childPid)).toBe(false);
    const s = await show(dir, run);
    expect(s.state).toBe('canceled');
    expect(s.status.at(-1)!.message).toContain('stopped by operator: wrong lr');
    // The script saw SIGTERM first (graceful stop), not an instant SIGKILL.
    expect(readFileSync(sub.outputLog!, 'utf8')).toContain('SIGTERM at step');
    // A second poll changes nothing: the end is recorded once.
    const p = PollOutput.parse((await runlogOk(dir, ['poll', '--json'])).json);
    expect(p.changes).toEqual([]);
  });

  it('retry starts attempt 2 in a Job (retry 1) block; restart stops a live job first', async () => {
    const run = await newRun(dir, 'again');
    await submit(
      dir,
      run,
      ['--retries', '0'],
      train('--steps', '5', '--fail-at', '2', '--fail-with', 'code', '--fail-attempts', '1', '--sleep-ms', '10'),
    );
    await pollUntil(dir, run, (s) => s === 'command_failed');
    const retried = OperatorOutput.parse((await runlogOk(dir, ['retry', run, '--json'])).json);
    expect(retried).toMatchObject({ action: 'retry', before: 'command_failed', after: 'running', attempt: 2 });
    expect(retried.jobIds).toHaveLength(1);
    const s2 = await show(dir, run);
    expect(s2.jobs.at(-1)!.heading).toBe('Job (retry 1)');
    expect(lastJob(s2)['idempotency_key']).toBe(`${run}#2`);
    expect(lastJob(s2)['scheduled_by']).toBe('operator');
    await pollUntil(dir, run, (s) => s === 'completed');

    const live = await newRun(dir, 'restartme');
    const first = SubmitOutput.parse(
      (await submit(dir, live, [], train('--steps', '100000', '--sleep-ms', '20'))).json,
    );
    const restarted = OperatorOutput.parse((await runlogOk(dir, ['restart', live, '--grace', '1s', '--json'])).json);
    expect(restarted.before).toBe('running');
    expect(restarted.after).toBe('running');
    expect(restarted.jobIds[0]).toBe(first.jobId);
    expect(restarted.jobIds).toHaveLength(2);
    expect(restarted.commits.length).toBeGreaterThanOrEqual(3);
    const s3 = await show(dir, live);
    expect(s3.jobs.map((j) => j.fields['terminal_state'] ?? '')).toEqual(['canceled', '']);
    await runlogOk(dir, ['stop', live, '--grace', '1s']);
  });

  it('retry of a running run is refused with a hint', async () => {
    const run = await newRun(dir, 'busy');
    await submit(dir, run, [], train('--steps', '100000', '--sleep-ms', '20'));
    const r = await runlog(dir, ['retry', run, '--json']);
    expect(r.code).toBe(1);
    expect((r.json as { error: { code: string; hint: string } }).error).toMatchObject({ code: 'RUN_ACTIVE' });
    await runlogOk(dir, ['stop', run, '--grace', '1s']);
  });
});

describe('the two clocks and lost workers', () => {
  it('wall-clock timeout kills the job and records timed_out (walltime)', async () => {
    const run = await newRun(dir, 'slow');
    await submit(dir, run, ['--timeout', '2s', '--heartbeat', '60s'], train('--steps', '100000', '--sleep-ms', '20'));
    const s = await pollUntil(dir, run, (st) => st === 'timed_out', 20_000);
    expect(s.failureClass).toBe('walltime');
    expect(lastJob(s)['evidence']).toMatch(/wall clock .* >= timeout 2s/);
    const job = JSON.parse(readFileSync(jobFile(dir, run, 1, 'job.json'), 'utf8')) as { childPid: number };
    expect(alive(job.childPid)).toBe(false);
  });

  it('no new step within the heartbeat → stalled, then the fail remediation ends it', async () => {
    const run = await newRun(dir, 'hang');
    await submit(
      dir,
      run,
      ['--timeout', '60s', '--heartbeat', '1s', '--stall-action', 'fail'],
      train('--steps', '100', '--hang-at', '3', '--sleep-ms', '10'),
    );
    const stalled = await pollUntil(dir, run, (st) => st === 'stalled', 20_000);
    expect(stalled.status.at(-1)!.message).toMatch(/no new step for .* \(heartbeat 1s; last step 2\)/);
    const ended = await pollUntil(dir, run, (st) => st === 'timed_out', 20_000);
    expect(ended.status.at(-1)!.message).toContain('stalled: no new step');
    expect(ended.jobs).toHaveLength(1);
  });

  it('stall remediation "retry" kills the stalled attempt and launches a new one', async () => {
    const run = await newRun(dir, 'hangretry');
    await submit(
      dir,
      run,
      ['--timeout', '60s', '--heartbeat', '1s', '--stall-action', 'retry', '--retries', '1'],
      train('--steps', '5', '--hang-at', '3', '--fail-attempts', '1', '--sleep-ms', '10'),
    );
    await pollUntil(dir, run, (st) => st === 'stalled', 20_000);
    const s = await pollUntil(dir, run, (st) => st === 'completed', 30_000);
    expect(s.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
    expect(s.jobs[0]!.fields['terminal_state']).toBe('timed_out');
    expect(s.jobs[1]!.fields['scheduled_by']).toBe('supervisor');
  });

  it('a job the executor can no longer see is lost, then worker_lost after the grace', async () => {
    const run = await newRun(dir, 'vanish');
    await submit(dir, run, ['--retries', '0'], train('--steps', '100000', '--sleep-ms', '20'));
    const job = JSON.parse(readFileSync(jobFile(dir, run, 1, 'job.json'), 'utf8')) as { pid: number; pgid: number };
    // The worker dies with the job's wrapper: nobody is left to write exit.json.
    process.kill(-job.pgid, 'SIGKILL');
    process.kill(job.pid, 'SIGKILL');
    const lost = await pollUntil(dir, run, (st) => st === 'lost', 20_000);
    expect(lost.status.at(-1)!.message).toContain('the executor cannot see the job');
    const s = await pollUntil(dir, run, (st) => st === 'worker_lost', 20_000);
    expect(s.failureClass).toBe('node_failure');
  });
});

describe('poll', () => {
  it('queries the executor once per pass for many runs', async () => {
    const runs: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const run = await newRun(dir, name);
      expect((await submit(dir, run, [], train('--steps', '100000', '--sleep-ms', '50'))).code).toBe(0);
      runs.push(run);
    }
    const p = PollOutput.parse((await runlogOk(dir, ['poll', '--json'])).json);
    expect(p.runs).toBe(3);
    expect(p.executorQueries).toBe(1);
    for (const run of runs) await runlogOk(dir, ['stop', run, '--grace', '1s']);
  });
});
