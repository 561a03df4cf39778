import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, existsSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { failed, usageError } from '../../core/errors.js';
import { probeLocalHardware, type LocalHardware } from '../hardware.js';
import type { Executor, JobHandle, JobObservation, JobSpec, PollResult } from '../types.js';
import type { LocalState } from '../state.js';
import { localFile, LOCAL_FILES, wrapperPath } from './files.js';
import { jobEnv } from './job-env.js';
import { localPreflight } from './preflight.js';
import { checkProcess, currentBootId, groupMembers, signalGroup, startTicksOf } from '../../core/proc.js';
import {
  exitRecordSchema,
  jobRecordSchema,
  readRecord,
  stopRecordSchema,
  writeRecord,
  type ExitRecord,
  type IntentRecord,
  type JobRecord,
  type StopRecord,
} from './records.js';
import { sleep } from '../../core/backoff.js';

export interface LocalExecutorOptions {
  /** This machine's records of what it launched: the only place a job is found again from. */
  state: LocalState;
  /** How long submit waits for the wrapper to start the command. */
  launchTimeoutMs?: number;
  /** After SIGKILL, how long cancel waits for the end to be recorded. */
  killWaitMs?: number;
  /** How often submit and cancel look again while they wait. */
  checkIntervalMs?: number;
  /** Hardware facts for preflight; probed once per executor by default. */
  probeHardware?: () => Promise<LocalHardware>;
}

const DEFAULT_GRACE_MS = 10_000;

/**
 * Runs jobs as detached process groups on this machine. Each job is owned by
 * libexec/local-wrapper.mjs, which outlives the CLI and writes the job's
 * state into the attempt's folder in local state (never the output
 * directory, which a run log names and git may have filled); this class
 * only reads those files and /proc, so any later process on this machine
 * can poll or cancel the job from its idempotency key.
 */
export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly launchTimeoutMs: number;
  private readonly killWaitMs: number;
  private readonly checkIntervalMs: number;
  private readonly probeHardware: () => Promise<LocalHardware>;
  private hardware?: Promise<LocalHardware>;
  private readonly state: LocalState;

  constructor(opts: LocalExecutorOptions) {
    this.state = opts.state;
    this.launchTimeoutMs = opts.launchTimeoutMs ?? 10_000;
    this.killWaitMs = opts.killWaitMs ?? 5_000;
    this.checkIntervalMs = opts.checkIntervalMs ?? 25;
    this.probeHardware = opts.probeHardware ?? (() => probeLocalHardware());
  }

  async preflight(spec: JobSpec): Promise<string[]> {
    this.hardware ??= this.probeHardware();
    return localPreflight(spec, await this.hardware, this.state.attemptDir(spec.idempotencyKey));
  }

  async submit(spec: JobSpec): Promise<JobHandle> {
    if (spec.argv.length === 0 || spec.argv[0] === '') {
      throw usageError(
        'LOCAL_EMPTY_COMMAND',
        `run ${spec.runId} has an empty command`,
        'give the command to launch after --',
      );
    }
    if (!isAbsolute(spec.outputDir)) {
      throw usageError(
        'LOCAL_OUTPUT_DIR_RELATIVE',
        `output directory ${spec.outputDir} is not absolute`,
        'pin the output directory to an absolute path',
      );
    }
    mkdirSync(spec.outputDir, { recursive: true });
    const dir = this.state.attemptDir(spec.idempotencyKey);
    // A retried submit (say, by a restarted supervisor) finds the job it launched before.
    if (readRecord(localFile(dir, 'job'), jobRecordSchema) !== undefined) return this.awaitStart(spec, dir);
    if (!existsSync(localFile(dir, 'intent')) && existsSync(join(spec.outputDir, LOCAL_FILES.log))) {
      throw failed(
        'LOCAL_OUTPUT_DIR_TAKEN',
        `output directory ${spec.outputDir} already holds an output log that is not attempt ${spec.idempotencyKey}'s`,
        'give each attempt its own output directory',
      );
    }

    const intent: IntentRecord = {
      schema: 1,
      idempotencyKey: spec.idempotencyKey,
      runId: spec.runId,
      attempt: spec.attempt,
      argv: spec.argv,
      cwd: spec.cwd,
      submittedAt: new Date().toISOString(),
    };
    writeRecord(localFile(dir, 'intent'), intent);
    return this.awaitStart(spec, dir, this.launchWrapper(spec, dir));
  }

  async poll(handles: JobHandle[]): Promise<PollResult> {
    const context = { host: hostname(), bootId: currentBootId() };
    const jobs = new Map<string, JobObservation>();
    for (const handle of handles) jobs.set(handle.jobId, this.observe(handle, context));
    // Files and /proc are read directly, which counts as the one query of this pass.
    return { jobs, calls: 1 };
  }

  async cancel(handle: JobHandle, opts: { graceMs?: number } = {}): Promise<JobObservation> {
    const graceMs = opts.graceMs ?? DEFAULT_GRACE_MS;
    const dir = this.dirOf(handle);
    const job = dir === undefined ? undefined : readRecord(localFile(dir, 'job'), jobRecordSchema);
    if (dir === undefined || job === undefined) return this.observeNow(handle);
    if (job.host !== hostname()) {
      throw failed(
        'LOCAL_WRONG_HOST',
        `job ${handle.jobId} runs on ${job.host}, not on ${hostname()}`,
        `run the cancel on ${job.host}`,
      );
    }
    if (this.hasEnded(job, dir)) return this.observeNow(handle);

    const stopPath = localFile(dir, 'stop');
    if (!existsSync(stopPath))
      writeRecord(stopPath, { requestedAt: new Date().toISOString(), graceMs } satisfies StopRecord);
    signalJob(job, 'SIGTERM');
    if (!(await this.waitUntil(() => this.hasEnded(this.reread(dir, job), dir), graceMs))) {
      signalJob(this.reread(dir, job), 'SIGKILL');
      await this.waitUntil(() => this.hasEnded(this.reread(dir, job), dir), this.killWaitMs);
    }
    return this.observeNow(handle);
  }

  /** The attempt folder of a handle this executor returned; undefined for any other handle. */
  private dirOf(handle: JobHandle): string | undefined {
    const key = handle.extra?.['key'];
    if (key === undefined) return undefined;
    const dir = this.state.attemptDir(key);
    const job = readRecord(localFile(dir, 'job'), jobRecordSchema);
    return job === undefined || jobIdOf(job) === handle.jobId ? dir : undefined;
  }

  private launchWrapper(spec: JobSpec, dir: string): Launch {
    const logFd = openOutputLog(join(spec.outputDir, LOCAL_FILES.log));
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [wrapperPath(), dir], {
        detached: true,
        cwd: spec.cwd,
        env: jobEnv(spec),
        stdio: ['ignore', logFd, logFd],
      });
    } finally {
      closeSync(logFd);
    }
    const launch: Launch = { child };
    child.on('error', (err) => {
      launch.error = err;
    });
    child.unref();
    return launch;
  }

  /**
   * Wait until the wrapper has started the command (job.json has a pgid), or
   * the launch has visibly ended one way or another.
   */
  private async awaitStart(spec: JobSpec, dir: string, launch?: Launch): Promise<JobHandle> {
    const jobPath = localFile(dir, 'job');
    const log = join(spec.outputDir, LOCAL_FILES.log);
    const deadline = Date.now() + this.launchTimeoutMs;
    for (;;) {
      const wrapperExited =
        launch !== undefined && (launch.child.exitCode !== null || launch.child.signalCode !== null);
      const job = readRecord(jobPath, jobRecordSchema);
      if (job !== undefined) {
        const started = job.pgid !== undefined || this.hasEnded(job, dir);
        if (started || !checkProcess(job.pid, { startTicks: job.pidStartTicks, bootId: job.bootId }).alive) {
          return handleFor(job, log);
        }
      } else if (launch?.error !== undefined || wrapperExited) {
        const why =
          launch?.error?.message ?? `the wrapper exited with ${launch?.child.exitCode ?? launch?.child.signalCode}`;
        throw failed(
          'LOCAL_LAUNCH_FAILED',
          `could not launch run ${spec.runId}: ${why}`,
          `read ${log} for the wrapper's message`,
        );
      }
      if (Date.now() > deadline) {
        throw failed(
          'LOCAL_LAUNCH_TIMEOUT',
          `run ${spec.runId} did not start within ${this.launchTimeoutMs} ms`,
          `read ${log}; submitting again with the same attempt adopts the job if it started late`,
        );
      }
      await sleep(this.checkIntervalMs);
    }
  }

  private observeNow(handle: JobHandle): JobObservation {
    return this.observe(handle, { host: hostname(), bootId: currentBootId() });
  }

  private observe(handle: JobHandle, context: PollContext): JobObservation {
    const dir = this.dirOf(handle);
    if (dir === undefined)
      return {
        jobId: handle.jobId,
        phase: 'unknown',
        evidence: `job ${handle.jobId} was not launched from this machine`,
      };
    try {
      const job = readRecord(localFile(dir, 'job'), jobRecordSchema);
      if (job === undefined)
        return {
          jobId: handle.jobId,
          phase: 'unknown',
          evidence: `no job record for ${handle.extra?.['key']} in this machine's local state`,
        };
      const base = { jobId: handle.jobId, node: job.host, startedAt: job.startedAt };
      const stop = readRecord(localFile(dir, 'stop'), stopRecordSchema);
      const exit = readRecord(localFile(dir, 'exit'), exitRecordSchema);
      if (exit !== undefined) return { ...base, ...fromExit(exit, stop) };
      if (job.host !== context.host) {
        return {
          ...base,
          phase: 'unknown',
          evidence: `no exit.json yet; the job runs on ${job.host} and liveness is only visible there`,
        };
      }
      const wrapper = checkProcess(job.pid, { startTicks: job.pidStartTicks, bootId: job.bootId }, context.bootId);
      if (wrapper.alive)
        return { ...base, phase: 'running', evidence: `wrapper ${wrapper.evidence}; no exit.json yet` };
      // The wrapper may have recorded the end between the first read and the liveness check.
      const late = readRecord(localFile(dir, 'exit'), exitRecordSchema);
      if (late !== undefined) return { ...base, ...fromExit(late, stop) };
      const command =
        job.childPid === undefined
          ? undefined
          : checkProcess(job.childPid, { startTicks: job.childStartTicks, bootId: job.bootId }, context.bootId);
      if (stop !== undefined && command?.alive !== true) {
        return {
          ...base,
          phase: 'canceled',
          evidence: `stop requested at ${stop.requestedAt}; wrapper gone without exit.json (${wrapper.evidence})`,
        };
      }
      const orphan =
        command?.alive === true ? `; the command (pid ${job.childPid}) still runs without its wrapper` : '';
      return { ...base, phase: 'unknown', evidence: `no exit.json and wrapper ${wrapper.evidence}${orphan}` };
    } catch (err) {
      return { jobId: handle.jobId, phase: 'unknown', evidence: (err as Error).message };
    }
  }

  /** The end is recorded (or can never be) and nothing of the group is left. */
  private hasEnded(job: JobRecord, dir: string): boolean {
    const recorded =
      existsSync(localFile(dir, 'exit')) ||
      !checkProcess(job.pid, { startTicks: job.pidStartTicks, bootId: job.bootId }).alive;
    return recorded && (job.pgid === undefined || !sameBoot(job) || groupMembers(job.pgid).length === 0);
  }

  /** job.json gains the pgid once the command starts; a cancel racing the start needs it. */
  private reread(dir: string, fallback: JobRecord): JobRecord {
    return readRecord(localFile(dir, 'job'), jobRecordSchema) ?? fallback;
  }

  private async waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (done()) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(this.checkIntervalMs, Math.max(1, deadline - Date.now())));
    }
  }
}

interface Launch {
  child: ChildProcess;
  error?: Error;
}

interface PollContext {
  host: string;
  bootId: string | undefined;
}

const jobIdOf = (job: JobRecord) => `${job.host}:${job.pid}`;

function handleFor(job: JobRecord, log: string): JobHandle {
  const extra: Record<string, string> = { key: job.idempotencyKey, pid: String(job.pid) };
  if (job.pgid !== undefined) extra.pgid = String(job.pgid);
  return {
    executor: 'local',
    jobId: jobIdOf(job),
    outputPath: log,
    host: job.host,
    submittedAt: job.submittedAt ?? job.claimedAt,
    extra,
  };
}

function fromExit(exit: ExitRecord, stop: StopRecord | undefined): Omit<JobObservation, 'jobId'> {
  const how = exit.error ?? (exit.signal !== null ? `killed by ${exit.signal}` : `exit code ${exit.exitCode}`);
  // A command that finished on its own just before the stop request is not canceled.
  const canceled = stop !== undefined && Date.parse(stop.requestedAt) <= Date.parse(exit.endedAt);
  const phase = canceled ? 'canceled' : exit.exitCode === 0 && exit.signal === null ? 'completed' : 'failed';
  return {
    phase,
    exitCode: exit.exitCode ?? undefined,
    signal: exit.signal ?? undefined,
    endedAt: exit.endedAt,
    evidence: `exit.json: ${how} at ${exit.endedAt}${canceled ? ` after stop request at ${stop.requestedAt}` : ''}`,
  };
}

function sameBoot(job: JobRecord): boolean {
  const now = currentBootId();
  return job.bootId === undefined || now === undefined || job.bootId === now;
}

/**
 * The recorded group is still the one the wrapper made: its leader is the
 * recorded command (same start time), or the leader is gone and only its
 * descendants remain (a group id is not reused while it has members).
 */
function ownGroup(job: JobRecord): boolean {
  if (job.pgid === undefined || job.pgid <= 1 || !sameBoot(job)) return false;
  const leaderStart = startTicksOf(job.pgid);
  if (leaderStart === undefined) return groupMembers(job.pgid).length > 0;
  return job.childPid === job.pgid && job.childStartTicks !== undefined && leaderStart === job.childStartTicks;
}

/** Signals go to the command's group; before the group exists, to the wrapper, which passes them on. */
function signalJob(job: JobRecord, signal: NodeJS.Signals): void {
  if (!sameBoot(job)) return;
  if (job.pgid !== undefined) {
    if (ownGroup(job)) signalGroup(job.pgid, signal);
    return;
  }
  if (job.pid > 1 && checkProcess(job.pid, { startTicks: job.pidStartTicks, bootId: job.bootId }).alive) {
    try {
      process.kill(job.pid, signal);
    } catch {
      // Gone in between: nothing left to stop.
    }
  }
}

/**
 * The job's output log, opened for appending without following a link and
 * without blocking: a link or a FIFO put in its place is refused, never
 * written through.
 */
function openOutputLog(path: string): number {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK,
      0o600,
    );
  } catch (err) {
    throw failed(
      'LOCAL_OUTPUT_NOT_A_FILE',
      `cannot open the output log ${path}: ${(err as Error).message}`,
      'give the attempt a fresh output directory (or remove what is at that path)',
      { cause: err },
    );
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw failed(
      'LOCAL_OUTPUT_NOT_A_FILE',
      `the output log ${path} is not a regular file`,
      'give the attempt a fresh output directory (or remove what is at that path)',
    );
  }
  return fd;
}
