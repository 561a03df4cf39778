/**
 * Runs on other machines over SSH, through the built CLI as a user runs it,
 * against two real sshd on 127.0.0.1 standing for a GPU box and a CPU box.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PollOutput, SubmitOutput } from '../../src/schemas/output.js';
import { git, newRun, spawnRunlog, stderrError, waitFor } from '../support/ledger.js';
import { sshdAvailable, sshdRequired, type TestSshWorld } from '../support/sshd.js';
import { lastJob, train } from '../support/jobs.js';
import {
  cli,
  cliOk,
  pollUntil,
  showRun,
  sshLedger,
  TERMINAL,
  twoHosts,
  type SshLedger,
} from '../support/ssh-ledger.js';

const enabled = sshdAvailable() || sshdRequired;

let world: TestSshWorld;
const ledgers: SshLedger[] = [];
async function ledger(opts: Parameters<typeof sshLedger>[1] = {}): Promise<SshLedger> {
  const sl = await sshLedger(world, opts);
  ledgers.push(sl);
  return sl;
}

const attemptDir = (alias: string, run: string, n = 1) =>
  join(world.host(alias).workdir, ...run.split('/'), `attempt-${n}`);
const submitSsh = (sl: SshLedger, run: string, flags: string[], command: string[]) =>
  cli(sl, ['submit', run, '--json', '--executor', 'ssh', ...flags, '--', ...command]);

describe.runIf(enabled)('runs over SSH', () => {
  beforeAll(async () => {
    world = await twoHosts();
  }, 120_000);
  afterEach(() => {
    world.killJobs();
    for (const sl of ledgers.splice(0)) sl.cleanup();
  });
  afterAll(async () => world?.tearDown());

  it('hands the launch commit off to the worker, runs it there and collects its progress', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'remote-train');
    const r = await submitSsh(sl, run, ['--host', 'cpu'], train('--steps', '30', '--sleep-ms', '40'));
    expect(r.code, r.stderr).toBe(0);
    const out = SubmitOutput.parse(r.json);
    expect(out).toMatchObject({ state: 'running', executor: 'ssh', host: 'cpu' });
    const dir = attemptDir('rl-cpu', run);
    const job = lastJob(await showRun(sl, run));
    // The worker runs the archived tree of the recorded launch commit.
    expect(readFileSync(join(dir, 'src', 'train.mjs'), 'utf8')).toBe(
      await git(sl.dir, ['show', `${job['git_sha']}:train.mjs`]),
    );
    expect(existsSync(join(dir, 'src', '.git'))).toBe(false);
    expect(job['workdir']).toBe(dir);
    expect(job['host']).toBe('cpu');
    expect(job['boot_id']).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());

    const { show } = await pollUntil(sl, run, (s) => TERMINAL.has(s));
    expect(show.state).toBe('completed');
    expect(show.status.some((e) => e.step !== null && e.step > 0)).toBe(true);
    expect(lastJob(show)['exit_code']).toBe('0');
    expect(readFileSync(join(dir, 'exit_code'), 'utf8').trim()).toBe('0');
    // The local mirror is the worker's log, byte for byte.
    expect(readFileSync(out.outputLog!, 'utf8')).toBe(readFileSync(join(dir, 'output.log'), 'utf8'));
    expect(readFileSync(out.outputLog!, 'utf8')).toMatch(/step=30 /);
  }, 240_000);

  it('classifies a failure from the worker’s output', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'remote-oom');
    expect(
      (
        await submitSsh(
          sl,
          run,
          ['--host', 'cpu'],
          train('--steps', '20', '--sleep-ms', '20', '--fail-at', '5', '--fail-with', 'oom_gpu'),
        )
      ).code,
    ).toBe(0);
    const { show } = await pollUntil(sl, run, (s) => TERMINAL.has(s));
    expect(show.state).toBe('command_failed');
    expect(lastJob(show)['failure_class']).toBe('oom_gpu');
    expect(show.status.at(-1)!.message).toMatch(/CUDA out of memory/);
  }, 240_000);

  it('rides out sshd going away for a few seconds: never terminal, completed in the end', async () => {
    const sl = await ledger({ jobs: { lost_grace: '120s', heartbeat: '120s' } });
    const run = await newRun(sl.dir, 'outage');
    expect((await submitSsh(sl, run, ['--host', 'cpu'], train('--steps', '300', '--sleep-ms', '50'))).code).toBe(0);
    await pollUntil(sl, run, (s) => s === 'running');
    const host = world.host('rl-cpu');
    await host.stop();
    const seen: string[] = [];
    try {
      // Polls fail for longer than ssh.unreachable_grace (1s): the run becomes lost, not ended.
      const until = Date.now() + 60_000;
      while (Date.now() < until && !seen.includes('lost')) {
        const p = PollOutput.parse((await cliOk(sl, ['poll', run, '--json'])).json);
        expect(p.executorQueries).toBeGreaterThanOrEqual(1);
        seen.push((await showRun(sl, run)).state);
      }
    } finally {
      await host.start();
    }
    expect(seen.some((s) => TERMINAL.has(s))).toBe(false);
    expect(seen).toContain('lost');
    const { show, seen: after } = await pollUntil(sl, run, (s) => TERMINAL.has(s));
    expect(after.slice(0, -1).some((s) => TERMINAL.has(s))).toBe(false);
    expect(show.state).toBe('completed');
    expect(show.status.some((e) => /sees the job again/.test(e.message))).toBe(true);
  }, 240_000);

  it('retries a transient failure on the same host as a new attempt, and stops a stalled job there', async () => {
    const sl = await ledger();
    const flaky = await newRun(sl.dir, 'flaky');
    expect(
      (
        await submitSsh(
          sl,
          flaky,
          ['--host', 'cpu', '--retries', '1'],
          train(
            '--steps',
            '20',
            '--sleep-ms',
            '20',
            '--fail-at',
            '5',
            '--fail-with',
            'network',
            '--fail-attempts',
            '1',
          ),
        )
      ).code,
    ).toBe(0);
    const hung = await newRun(sl.dir, 'hung');
    expect(
      (
        await submitSsh(
          sl,
          hung,
          ['--host', 'cpu', '--heartbeat', '2s', '--stall-action', 'fail'],
          train('--steps', '50', '--sleep-ms', '20', '--hang-at', '3'),
        )
      ).code,
    ).toBe(0);

    const f = (await pollUntil(sl, flaky, (s) => s === 'completed' || s === 'retry_exhausted', 120_000)).show;
    expect(f.state).toBe('completed');
    expect(f.jobs.map((j) => j.fields['terminal_state'])).toEqual(['command_failed', 'completed']);
    expect(f.jobs[0]!.fields['failure_class']).toBe('network_transient');
    expect(f.jobs.map((j) => j.fields['host'])).toEqual(['cpu', 'cpu']);
    expect(existsSync(join(attemptDir('rl-cpu', flaky, 2), 'exit_code'))).toBe(true);

    const h = (await pollUntil(sl, hung, (s) => TERMINAL.has(s), 120_000)).show;
    expect(h.state).toBe('timed_out');
    expect(h.status.some((e) => e.state === 'stalled')).toBe(true);
    const dir = attemptDir('rl-cpu', hung);
    expect(existsSync(join(dir, 'stop_requested'))).toBe(true);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    expect(existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(false);
  }, 240_000);

  it('ends as killed when the job is killed on the worker', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'remote-killed');
    expect((await submitSsh(sl, run, ['--host', 'cpu'], train('--steps', '2000', '--sleep-ms', '50'))).code).toBe(0);
    const pid = Number(readFileSync(join(attemptDir('rl-cpu', run), 'pid'), 'utf8'));
    process.kill(-pid, 'SIGKILL');
    const { show } = await pollUntil(sl, run, (s) => TERMINAL.has(s));
    expect(show.state).toBe('command_failed');
    expect(lastJob(show)['evidence']).toMatch(/killed: pid \d+ is gone/);
    expect(show.status.at(-1)!.message).toMatch(/killed at step \d+/);
  }, 240_000);

  it('polls four jobs on one host with at most two ssh invocations', async () => {
    const sl = await ledger();
    const runs: string[] = [];
    for (const i of [1, 2, 3, 4]) {
      const run = await newRun(sl.dir, `four-${i}`);
      expect((await submitSsh(sl, run, ['--host', 'cpu'], train('--steps', '2000', '--sleep-ms', '50'))).code).toBe(0);
      runs.push(run);
    }
    const before = sl.sshCalls();
    const p = PollOutput.parse((await cliOk(sl, ['poll', '--json'])).json);
    const calls = sl.sshCalls() - before;
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
    expect(p.executorQueries).toBe(calls);
    for (const run of runs) expect((await showRun(sl, run)).state).toBe('running');
    for (const run of runs) await cliOk(sl, ['stop', run, '--reason', 'test done', '--json']);
    for (const run of runs) expect((await showRun(sl, run)).state).toBe('canceled');
  }, 240_000);

  it('places a GPU run on the GPU host and records why, and a CPU run on the CPU host', async () => {
    const sl = await ledger();
    const gpuRun = await newRun(sl.dir, 'needs-gpu');
    const r = await submitSsh(sl, gpuRun, ['--gpus', '1'], train('--steps', '5', '--sleep-ms', '10'));
    expect(r.code, r.stderr).toBe(0);
    const job = lastJob(await showRun(sl, gpuRun));
    expect(job['host']).toBe('gpu');
    expect(job['placement']).toMatch(/placed on gpu \(1 GPU \(test-gpu\)/);
    expect(job['placement']).toMatch(/not cpu: 0 GPUs < 1 requested/);
    expect(job['probed']).toMatch(/1 GPU \(NVIDIA Test-GPU \(fake\)\)/);
    expect(existsSync(attemptDir('rl-gpu', gpuRun))).toBe(true);

    const cpuRun = await newRun(sl.dir, 'no-gpu');
    expect((await submitSsh(sl, cpuRun, [], train('--steps', '5', '--sleep-ms', '10'))).code).toBe(0);
    const cpuJob = lastJob(await showRun(sl, cpuRun));
    expect(cpuJob['host']).toBe('cpu');
    expect(cpuJob['placement']).toMatch(/not gpu: held back: its 1 GPUs are scarce/);
  }, 240_000);

  it('refuses --gpus 8 with exit 3 and launches nothing', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'too-big');
    const before = sl.sshCalls();
    const r = await submitSsh(sl, run, ['--gpus', '8'], train('--steps', '5'));
    expect(r.code).toBe(3);
    expect(stderrError(r.stderr)?.code ?? (r.json as { error?: { code: string } }).error?.code).toBe(
      'VALIDATION_FAILED',
    );
    const show = await showRun(sl, run);
    expect(show.state).toBe('validation_failed');
    expect(JSON.stringify(show.jobs.at(-1)!.fields)).toMatch(/no host fits/);
    expect(sl.sshCalls() - before).toBe(0);
    for (const alias of ['rl-gpu', 'rl-cpu'])
      expect(existsSync(join(world.host(alias).workdir, ...run.split('/')))).toBe(false);
  }, 240_000);

  it('takes a plain ssh alias as --host (zero config: the ssh client config knows it)', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'alias-run');
    const home = join(homedir(), '.runlog', ...run.split('/'));
    try {
      const r = await submitSsh(sl, run, ['--host', 'rl-cpu'], train('--steps', '5', '--sleep-ms', '10'));
      expect(r.code, r.stderr).toBe(0);
      const job = lastJob(await showRun(sl, run));
      expect(job['host']).toBe('rl-cpu');
      expect(job['placement']).toMatch(/--host rl-cpu: ssh destination/);
      // The default workdir, ~/.runlog, on the worker.
      expect(job['workdir']).toBe(join(home, 'attempt-1'));
      const { show } = await pollUntil(sl, run, (s) => TERMINAL.has(s));
      expect(show.state).toBe('completed');
    } finally {
      rmSync(join(homedir(), '.runlog', run.split('/')[0]!), { recursive: true, force: true });
    }
  }, 240_000);

  it('a hostile push that rewrites the Job block cannot choose what stop signals or where poll connects', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'tampered');
    expect((await submitSsh(sl, run, ['--host', 'cpu'], train('--steps', '2000', '--sleep-ms', '50'))).code).toBe(0);
    // A decoy the tampered block points at: it must survive.
    const decoy = spawn('sleep', ['300'], { stdio: 'ignore', detached: true });
    try {
      const other = await sl.l.clone('attacker');
      await git(other, ['pull', '-q', '--rebase', 'origin', 'main']);
      const path = join(other, 'run_logs', `${run}.md`);
      const text = readFileSync(path, 'utf8');
      const pid = readFileSync(join(attemptDir('rl-cpu', run), 'pid'), 'utf8').trim();
      const evil = text
        .replace(/^- pid: .*$/m, `- pid: ${decoy.pid}`)
        .replace(/^- workdir: .*$/m, '- workdir: `/etc`')
        .replace(/^- host: .*$/m, '- host: `example.invalid`')
        .replace(/"pid":"\d+"/, `"pid":"${decoy.pid}"`)
        .replace(/"workdir":"[^"]*"/, '"workdir":"/etc"');
      expect(evil).not.toBe(text);
      expect(evil).toContain(`cpu:${pid}`);
      writeFileSync(path, evil);
      // And a run this machine never launched, whose SSH Job block names the decoy outright.
      const foreignId = run.replace('tampered', 'foreign');
      const foreign = text
        .replaceAll(run, foreignId)
        .replaceAll(`cpu:${pid}`, `cpu:${decoy.pid}`)
        .replace(/^- pid: .*$/m, `- pid: ${decoy.pid}`)
        .replace(/"pid":"\d+"/, `"pid":"${decoy.pid}"`);
      expect(foreign).toContain(`${foreignId}#1`);
      writeFileSync(join(other, 'run_logs', `${foreignId}.md`), foreign);
      await git(other, ['add', '-A']);
      await git(other, ['commit', '-qam', 'tamper']);
      await git(other, ['push', '-q', 'origin', 'main']);
      await git(sl.dir, ['pull', '-q', '--rebase', 'origin', 'main']);

      expect((await showRun(sl, run)).state).toBe('running');
      // The foreign run: poll does not connect for it, stop refuses it, nothing is signalled.
      const calls = sl.sshCalls();
      await cliOk(sl, ['poll', foreignId, '--json']);
      expect(sl.sshCalls(), 'poll connected for a run this machine never launched').toBe(calls);
      const refused = await cli(sl, ['stop', foreignId, '--grace', '1s']);
      expect(refused.code).toBe(1);
      expect(stderrError(refused.stderr)?.code).toBe('JOB_NOT_LOCAL');
      expect(refused.stderr).toMatch(/\nhint: /);
      expect(sl.sshCalls()).toBe(calls);
      expect(() => process.kill(decoy.pid!, 0)).not.toThrow();
      await cliOk(sl, ['poll', run, '--json']);
      expect((await showRun(sl, run)).state).toBe('running');
      await cliOk(sl, ['stop', run, '--reason', 'done', '--json']);
      expect((await showRun(sl, run)).state).toBe('canceled');
      // The job this machine launched ended; the decoy the ledger named was never signalled.
      expect(existsSync(join(attemptDir('rl-cpu', run), 'stop_requested'))).toBe(true);
      expect(decoy.exitCode === null && decoy.signalCode === null).toBe(true);
      expect(() => process.kill(decoy.pid!, 0)).not.toThrow();
    } finally {
      decoy.kill('SIGKILL');
    }
  }, 240_000);

  it('reattaches after a SIGKILL of the supervisor without launching anything twice', async () => {
    const sl = await ledger();
    const run = await newRun(sl.dir, 'survivor');
    expect(
      (await submitSsh(sl, run, ['--host', 'cpu', '--heartbeat', '60s'], train('--steps', '200', '--sleep-ms', '50')))
        .code,
    ).toBe(0);
    const first = spawnRunlog(sl.dir, ['supervise', '--every', '200ms'], { env: sl.env });
    await waitFor(async () => (await showRun(sl, run)).status.some((e) => e.step !== null && e.state === 'running'), {
      timeoutMs: 40_000,
      what: 'the supervisor to record progress',
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const dir = attemptDir('rl-cpu', run);
    await waitFor(() => existsSync(join(dir, 'exit_code')), {
      timeoutMs: 30_000,
      what: 'the job to end while nobody watches',
    });
    expect((await showRun(sl, run)).state).toBe('running');

    const second = await cliOk(sl, ['supervise', '--every', '200ms', '--exit-when-idle', '--json'], 60_000);
    expect((second.json as { stoppedBy: string }).stoppedBy).toBe('idle');
    const show = await showRun(sl, run);
    expect(show.state).toBe('completed');
    expect(show.status.filter((e) => e.state === 'completed')).toHaveLength(1);
    // One attempt directory, one start: the job ran once.
    expect(readdirSync(join(world.host('rl-cpu').workdir, ...run.split('/')))).toEqual(['attempt-1']);
    expect(readFileSync(join(dir, 'output.log'), 'utf8').match(/step=1 /g)).toHaveLength(1);
    const log = await git(sl.dir, ['log', '--format=%s']);
    expect(log.split('\n').filter((s) => s === `${run}: log launch`)).toHaveLength(1);
  }, 240_000);
});
