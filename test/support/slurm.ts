import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobHandle, JobObservation, JobSpec } from '../../src/executors/types.js';
import type { SlurmExecutor } from '../../src/executors/slurm/index.js';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import { acquireExclusive, acquireShared, withSlurmLock } from './slurm-lock.js';
import { slurmLedger, type SlurmLedger } from './slurm-ledger.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SLURM_SCRIPT = join(REPO, 'scripts', 'slurm.sh');
export const slurmRequired = process.env.RUNLOG_REQUIRE_SLURM === '1';

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Cheap, synchronous: can these tests get a Slurm at all? Either one is
 * configured (SLURM_CONF) or we are root with apt, so scripts/slurm.sh can
 * install and start one. With RUNLOG_REQUIRE_SLURM=1 nothing is skipped and
 * a missing Slurm fails in beforeAll instead.
 */
export const slurmSkipped =
  !slurmRequired && !(process.env.SLURM_CONF || (isRoot && onPath('apt-get') && existsSync(SLURM_SCRIPT)));

export interface SlurmSetup {
  env: Record<string, string>;
  /** The sandbox of scripts/slurm.sh when the cluster is ours to break; undefined for a foreign cluster. */
  sandbox?: string;
}

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise) => {
    execFile(
      cmd,
      args,
      { cwd: REPO, env, timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({
          code,
          stdout,
          stderr: stderr + (err && typeof err.code !== 'number' ? String(err.message) : ''),
        });
      },
    );
  });
}

function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^export ([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1] as string] = m[2] as string;
  }
  return env;
}

/** scripts/slurm.sh start with the given extra env; returns its export lines. */
export async function startSlurm(extraEnv: Record<string, string> = {}): Promise<Record<string, string>> {
  const out = await run('bash', [SLURM_SCRIPT, 'start'], { ...process.env, ...extraEnv }, 600_000);
  if (out.code !== 0) throw new Error(`scripts/slurm.sh start failed (${out.code}):\n${out.stderr.slice(-3000)}`);
  const env = parseExports(out.stdout);
  if (!env.SLURM_CONF) throw new Error(`scripts/slurm.sh start printed no SLURM_CONF:\n${out.stdout}`);
  return env;
}

let setup: Promise<SlurmSetup> | undefined;

/**
 * SLURM_CONF from the environment when set (CI starts Slurm first), else our
 * own single-node Slurm via scripts/slurm.sh. Throws when neither works.
 */
export function ensureSlurm(): Promise<SlurmSetup> {
  // Shared: a fault test in another file may have a daemon down on purpose, and `start` would revive it.
  setup ??= withSlurmLock('shared', async () => {
    let env: Record<string, string>;
    if (process.env.SLURM_CONF) {
      env = { SLURM_CONF: process.env.SLURM_CONF };
      if (process.env.SLURM_SANDBOX) env.SLURM_SANDBOX = process.env.SLURM_SANDBOX;
    } else {
      if (!isRoot)
        throw new Error(
          'RUNLOG_REQUIRE_SLURM=1 but SLURM_CONF is unset and scripts/slurm.sh needs root to start Slurm',
        );
      env = await startSlurm();
    }
    const check = await run('sinfo', ['-h', '-o', '%P %a %T'], { ...process.env, ...env }, 60_000);
    if (check.code !== 0) throw new Error(`Slurm is not answering (sinfo exit ${check.code}): ${check.stderr}`);
    const sandbox = env.SLURM_SANDBOX ?? dirname(env.SLURM_CONF as string);
    const ours = existsSync(join(sandbox, 'run', 'slurmctld.pid')) && isRoot;
    return { env, sandbox: ours ? sandbox : undefined };
  });
  return setup;
}

export async function tempDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

let serial = 0;

export function jobSpec(dir: string, overrides: Partial<JobSpec> & { argv: string[] }): JobSpec {
  serial += 1;
  const runId = overrides.runId ?? `slurmtest/${process.pid}-${Date.now()}-${serial}`;
  return {
    runId,
    attempt: 1,
    idempotencyKey: `${runId}#1`,
    cwd: dir,
    outputDir: join(dir, `out-${serial}`),
    env: {},
    resources: {},
    ...overrides,
  };
}

/** Poll until `done` holds or the deadline passes; returns the last observation. */
export async function pollUntil(
  exec: SlurmExecutor,
  handle: JobHandle,
  done: (o: JobObservation) => boolean,
  deadlineMs: number,
  everyMs = 500,
): Promise<JobObservation> {
  const end = Date.now() + deadlineMs;
  let last: JobObservation | undefined;
  for (;;) {
    const { jobs } = await exec.poll([handle]);
    last = jobs.get(handle.jobId) ?? last;
    if (last && done(last)) return last;
    if (Date.now() > end)
      throw new Error(
        `job ${handle.jobId} did not reach the expected state in ${deadlineMs} ms; last: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  deadlineMs: number,
  everyMs = 500,
): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export function daemonPid(sandbox: string, name: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(sandbox, 'run', `${name}.pid`), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A pid is this daemon only if /proc says so (pid files go stale) and it is not a zombie. */
export function daemonAlive(name: string, pid: number): boolean {
  try {
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return comm === name && !/^State:\s+Z/m.test(status);
  } catch {
    return false;
  }
}

/** How long a test may wait for the Slurm lock: another file's fault tests can hold it for minutes. */
export const LOCK_WAIT_MS = 900_000;

export interface SlurmSuite {
  /** The cluster (env, and its sandbox when it is ours to break); set before the first test runs. */
  readonly slurm: SlurmSetup;
  /** A fresh ledger whose `clusters:` point at the test Slurm; its jobs are cancelled and it is removed after the file. */
  ledger(): Promise<SlurmLedger>;
}

/**
 * A describe block for tests that need the real Slurm: skipped where no
 * Slurm can be had (and failed instead under RUNLOG_REQUIRE_SLURM=1), the
 * cluster started once, every ledger the tests made cleaned up. With
 * `sandbox`, its tests also skip on a cluster that is not ours to break.
 * Tests still choose their lock with `holdSlurm` in the describe they share.
 */
export function describeSlurm(name: string, body: (suite: SlurmSuite) => void, opts: { sandbox?: boolean } = {}): void {
  describe.skipIf(slurmSkipped)(name, () => {
    let setup: SlurmSetup | undefined;
    let unavailable: string | undefined;
    const ledgers: SlurmLedger[] = [];
    beforeAll(async () => {
      try {
        setup = await ensureSlurm();
      } catch (err) {
        // Installing Slurm can fail offline; only RUNLOG_REQUIRE_SLURM=1 makes that a failure.
        if (slurmRequired) throw err;
        unavailable = err instanceof Error ? err.message : String(err);
      }
    }, 600_000);
    afterAll(() => {
      for (const sl of ledgers) sl.cleanup();
    });
    beforeEach(({ skip }) => {
      if (unavailable !== undefined) skip(`no Slurm: ${unavailable}`);
      if (opts.sandbox && !setup?.sandbox) skip('the Slurm cluster is not ours to break');
    });
    body({
      get slurm() {
        if (!setup) throw new Error('the Slurm suite is read before its beforeAll ran');
        return setup;
      },
      async ledger() {
        const sl = await slurmLedger(this.slurm.env);
        ledgers.push(sl);
        return sl;
      },
    });
  });
}

/**
 * Hold the cross-file Slurm lock around each test of the enclosing describe:
 * `shared` for tests that only run jobs, `exclusive` for tests that stop a daemon.
 */
export function holdSlurm(mode: 'shared' | 'exclusive'): void {
  beforeEach(() => (mode === 'shared' ? acquireShared() : acquireExclusive()), LOCK_WAIT_MS);
}
