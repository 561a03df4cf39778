/**
 * Helpers for the SSH end-to-end tests: a job ledger whose runlog.config.yaml
 * has `hosts:` profiles for the test servers, the CLI run with the test's
 * ssh client config (RUNLOG_SSH_CONFIG, as a user would set it), and an
 * `ssh` wrapper on PATH that counts invocations.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShowOutput, type ShowResult } from '../../src/schemas/output.js';
import { jobLedger, pollUntil as pollStates, type JobLedger } from './jobs.js';
import { runlog, runlogOk, type CliResult } from './ledger.js';
import { TestSshWorld } from './sshd.js';

export const GPU_HOST = { alias: 'rl-gpu', gpus: [{ name: 'NVIDIA Test-GPU (fake)', memMb: 16384 }] };
export const CPU_HOST = { alias: 'rl-cpu' };

export async function twoHosts(): Promise<TestSshWorld> {
  return TestSshWorld.create([GPU_HOST, CPU_HOST]);
}

/** Profiles that declare what the servers stand for: a GPU box and a CPU box. */
export function hostsYaml(world: TestSshWorld): string {
  return world.hostsYaml({
    gpu: { alias: 'rl-gpu', gpus: 1, gpuClass: 'test-gpu', mem: '16G', tags: ['cuda12'] },
    cpu: { alias: 'rl-cpu', gpus: 0, mem: '8G' },
  });
}

export interface SshLedger extends JobLedger {
  world: TestSshWorld;
  /** Lines appended by the counting ssh wrapper. */
  sshCalls(): number;
  env: Record<string, string>;
}

export async function sshLedger(
  world: TestSshWorld,
  opts: { jobs?: Record<string, string | number>; ssh?: string } = {},
): Promise<SshLedger> {
  const extra = `${hostsYaml(world)}ssh:\n  unreachable_grace: 1s\n  call_timeout: 20s\n${opts.ssh ?? ''}`;
  const jl = await jobLedger({ jobs: opts.jobs, extra });
  const bin = mkdtempSync(join(tmpdir(), 'rl-sshbin-'));
  const count = join(bin, 'calls');
  writeFileSync(count, '');
  // Counts every ssh process runlog starts (a multiplexing master is forked, not started).
  writeFileSync(join(bin, 'ssh'), `#!/bin/sh\necho "$*" >> '${count}'\nexec /usr/bin/ssh "$@"\n`);
  chmodSync(join(bin, 'ssh'), 0o755);
  const env = world.env({ PATH: `${bin}:${process.env['PATH'] ?? ''}` });
  return {
    ...jl,
    world,
    env,
    sshCalls: () => (existsSync(count) ? readFileSync(count, 'utf8').split('\n').filter(Boolean).length : 0),
    cleanup() {
      jl.cleanup();
      rmSync(bin, { recursive: true, force: true });
    },
  };
}

export function cli(sl: SshLedger, args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return runlog(sl.dir, args, { env: sl.env, timeoutMs });
}

export async function cliOk(sl: SshLedger, args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return runlogOk(sl.dir, args, { env: sl.env, timeoutMs });
}

export async function showRun(sl: SshLedger, run: string): Promise<ShowResult> {
  return ShowOutput.parse((await cliOk(sl, ['show', run, '--json'])).json);
}

/** One poll per round until the state is accepted; every state seen is returned in order. */
export async function pollUntil(
  sl: SshLedger,
  run: string,
  accept: (state: string) => boolean,
  timeoutMs = 60_000,
): Promise<{ show: ShowResult; seen: string[] }> {
  const seen: string[] = [];
  const show = await pollStates(
    sl.dir,
    run,
    (state) => {
      if (seen.at(-1) !== state) seen.push(state);
      return accept(state);
    },
    timeoutMs,
    sl.env,
  );
  return { show, seen };
}

export const TERMINAL = new Set([
  'completed',
  'command_failed',
  'canceled',
  'timed_out',
  'worker_lost',
  'retry_exhausted',
  'validation_failed',
]);
