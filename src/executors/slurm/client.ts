import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { RunlogError } from '../../core/errors.js';

export type SlurmCommand = 'sbatch' | 'squeue' | 'sacct' | 'scancel' | 'scontrol' | 'sinfo';

export interface SlurmOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Slurm could not be asked: controller, database or munge unreachable, or
 * the call hung. The job's state is unknown, not changed, so callers must
 * never turn this into a job phase.
 */
export class SlurmTransportError extends RunlogError {
  readonly command: SlurmCommand;

  constructor(command: SlurmCommand, detail: string, cause?: unknown) {
    super(
      'failed',
      'SLURM_UNREACHABLE',
      `${command}: ${detail}`,
      'Slurm did not answer, so job states are unknown (not changed); check slurmctld, slurmdbd and munged (scripts/slurm.sh status) and retry',
      { cause, details: { command } },
    );
    this.command = command;
  }
}

/** Slurm answered and said no (bad option, rejected submission, unknown partition, ...). */
export class SlurmCommandError extends RunlogError {
  readonly command: SlurmCommand;
  /** The Slurm command's own exit status (exitCode is the CLI's). */
  readonly status: number;
  readonly stderr: string;

  constructor(command: SlurmCommand, out: SlurmOutput) {
    const detail = firstLines(out.stderr) || `exit status ${out.exitCode}`;
    super(
      'failed',
      'SLURM_COMMAND_FAILED',
      `${command} failed: ${detail}`,
      `run the same ${command} by hand with SLURM_CONF set to see the full error`,
      {
        details: { command, exitCode: out.exitCode, stderr: out.stderr },
      },
    );
    this.command = command;
    this.status = out.exitCode;
    this.stderr = out.stderr;
  }
}

/**
 * Messages that mean "could not talk to Slurm" rather than "Slurm says no".
 * Taken from real 22.05 output with slurmctld, slurmdbd or munged stopped.
 */
const TRANSPORT_PATTERNS: RegExp[] = [
  /Unable to contact slurm controller/i,
  /Problem talking to the database/i,
  /failed to open persistent connection/i,
  /Munge (en|de)code failed/i,
  /Protocol authentication error/i,
  /Socket timed out on send\/recv/i,
  /Zero Bytes were transmitted or received/i,
  /Could not establish a configuration source/i,
  /Slurm backup controller in standby mode/i,
];

function firstLines(text: string, n = 3): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(0, n)
    .join(' / ');
}

export function transportProblem(stderr: string): string | undefined {
  const lines = stderr.split('\n');
  for (const pattern of TRANSPORT_PATTERNS) {
    const line = lines.find((l) => pattern.test(l));
    if (line !== undefined) return line.trim();
  }
  return undefined;
}

/**
 * `--json` output from 22.05 exits 0 even when slurmctld is down; the only
 * sign is a non-empty `errors` array.
 */
export function jsonProblem(stdout: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return 'output is not JSON';
  }
  const errors = (parsed as { errors?: unknown }).errors;
  if (!Array.isArray(errors) || errors.length === 0) return undefined;
  return errors
    .map((e: { description?: unknown; error?: unknown; source?: unknown }) =>
      [e.source, e.description, e.error].filter((x) => typeof x === 'string').join(': '),
    )
    .join('; ');
}

export interface SlurmClientOptions {
  /** Extra environment for every call; must carry SLURM_CONF unless /etc/slurm/slurm.conf exists. */
  env?: Record<string, string>;
  /** Per-call limit. A dead slurmctld makes clients retry for 9-18 s before failing. */
  timeoutMs?: number;
}

export interface RunOptions {
  timeoutMs?: number;
  /** Added on top of the client's environment (sbatch passes the job's env this way). */
  env?: Record<string, string>;
  cwd?: string;
}

/** Runs Slurm client commands with an argv array, a timeout, and a call counter. */
export class SlurmClient {
  private readonly env: Record<string, string>;
  private readonly timeoutMs: number;
  private count = 0;
  private readonly perCommand = new Map<SlurmCommand, number>();

  constructor(opts: SlurmClientOptions = {}) {
    this.env = { ...opts.env };
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Slurm client processes started so far. */
  get calls(): number {
    return this.count;
  }

  /** Calls so far of one command (benchmarks check "one squeue per poll"). */
  callsOf(command: SlurmCommand): number {
    return this.perCommand.get(command) ?? 0;
  }

  /**
   * Resolves with the output whatever the exit status, unless the call was a
   * transport failure, which throws SlurmTransportError.
   */
  async run(command: SlurmCommand, args: string[], opts: RunOptions = {}): Promise<SlurmOutput> {
    this.count += 1;
    this.perCommand.set(command, this.callsOf(command) + 1);
    const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
    const out = await spawnCollect(command, args, {
      cwd: opts.cwd ?? tmpdir(),
      env: { ...process.env, ...this.env, ...opts.env },
      timeoutMs,
    }).catch((err: unknown) => {
      throw new SlurmTransportError(
        command,
        `could not run ${command}: ${err instanceof Error ? err.message : String(err)}`,
        err,
      );
    });
    if (out === 'timeout') throw new SlurmTransportError(command, `no answer within ${timeoutMs} ms`);
    const problem = transportProblem(out.stderr);
    if (problem !== undefined) throw new SlurmTransportError(command, problem);
    if (out.exitCode === 0 && args.includes('--json')) {
      const jsonError = jsonProblem(out.stdout);
      if (jsonError !== undefined) throw new SlurmTransportError(command, jsonError);
    }
    return out;
  }

  /** Like run, but a non-zero exit is a SlurmCommandError. */
  async runOk(command: SlurmCommand, args: string[], opts: RunOptions = {}): Promise<SlurmOutput> {
    const out = await this.run(command, args, opts);
    if (out.exitCode !== 0) throw new SlurmCommandError(command, out);
    return out;
  }
}

function spawnCollect(
  command: string,
  args: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<SlurmOutput | 'timeout'> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve('timeout');
      resolve({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode: code ?? (signal ? 128 : 1),
      });
    });
  });
}
