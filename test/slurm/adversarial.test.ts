/**
 * A committed Slurm Job block naming a job id is not a reason to touch that
 * job: the victim's own Slurm job, whose id a teammate's clone wrote into a
 * run log (with a timeout long spent, so a pass that believed it would stop
 * it), survives poll, supervise, stop and cancel. Holds the Slurm test lock
 * shared.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { arena, errorCode, expectCalm, hostileRunLog, type Arena } from '../e2e/adversarial/support.js';
import { describeSlurm, holdSlurm } from '../support/slurm.js';

let env: Record<string, string> = {};

const slurm = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
const stateOf = (id: string) => slurm('squeue', ['-h', '-j', id, '-o', '%T']).trim();

describeSlurm('a committed Slurm job id', (suite) => {
  holdSlurm('shared');
  let a: Arena;
  let victimJob: string | undefined;

  afterAll(() => {
    // Only the job this test submitted is ever cancelled.
    if (victimJob) slurm('scancel', [victimJob]);
    a?.cleanup();
  });

  it('never makes poll, supervise, stop or cancel touch the job it names', async () => {
    env = suite.slurm.env;
    a = await arena();
    victimJob = slurm('sbatch', [
      '--parsable',
      '--partition',
      'debug',
      '--job-name',
      'victim-own-job',
      '--wrap',
      'sleep 600',
    ])
      .trim()
      .split(';')[0]!;
    expect(victimJob).toMatch(/^\d+$/);
    const id = '2026-03-22_slurmjob';
    const profile = `\ndefault_cluster: test\nclusters:\n  test:\n    partition: debug\n    env: {${Object.entries(env)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join(', ')}}\n    call_timeout: 40s\n`;
    const out = join(a.victim, 'hostile', 'slurm', 'attempt-1');
    await a.push({
      'runlog.config.yaml': readFileSync(join(a.attacker, 'runlog.config.yaml'), 'utf8') + profile,
      [`run_logs/${id}.md`]: hostileRunLog({
        id,
        state: 'running',
        job: {
          execution_id: `\`${victimJob}\``,
          idempotency_key: `\`${id}#1\``,
          executor: 'slurm',
          cluster: 'test',
          attempt: '1',
          submitted: '`2026-03-22T10:00:00Z`',
          output_dir: `\`${out}\``,
          timeout: '1000 ms (1s)',
          heartbeat: '1000 ms (1s)',
          retry_budget: '0',
          stall_action: 'fail',
          output_log: `\`${join(out, `slurm-${victimJob}.out`)}\``,
          executor_handle: '`{"partition":"debug"}`',
          start: '`2026-03-22T10:00:01Z`',
        },
      }),
    });
    expectCalm(await a.run(['sync']), 'sync');
    expectCalm(await a.run(['poll']), 'poll');
    expectCalm(await a.run(['supervise', '--every', '0.2s', '--max-passes', '2']), 'supervise');
    const stop = await a.run(['stop', id, '--grace', '1s']);
    expectCalm(stop, 'stop');
    expect(errorCode(stop)).toBe('JOB_NOT_LOCAL');
    const cancel = await a.run(['cancel', id, '--reason', 'not ours']);
    expectCalm(cancel, 'cancel');
    expect(cancel.code).toBe(0);
    expect(['PENDING', 'RUNNING', 'CONFIGURING']).toContain(stateOf(victimJob));
  }, 300_000);
});
