/**
 * The executor interface: local processes and Slurm implement the same small
 * contract so a run moves between them by changing `--executor`.
 * Executors hold no state of their own that the ledger does not also hold:
 * a job is found again from its handle (job id + output path).
 */

export interface ResourceRequest {
  cpus?: number;
  /** Memory in MiB. */
  memMb?: number;
  gpus?: number;
  /** Wall-clock limit in seconds (0 or undefined: executor default). */
  timeLimitSec?: number;
  partition?: string;
  gres?: string;
  account?: string;
  qos?: string;
  constraint?: string;
  requeue?: boolean;
}

export interface JobSpec {
  runId: string;
  attempt: number;
  /** `<run id>#<attempt>`: the same key never launches twice. */
  idempotencyKey: string;
  argv: string[];
  cwd: string;
  /** Pinned, absolute: stdout/stderr, pid and exit-code files live here. */
  outputDir: string;
  env: Record<string, string>;
  resources: ResourceRequest;
  /** Remote executors: the host (a `hosts:` profile or an ssh destination) the job runs on. */
  host?: string;
  /** Why that host was chosen, or why none could be (placement across profiles). */
  placement?: string;
  /** Remote executors: the code to hand off, as preflight found it. */
  source?: JobSource;
}

export interface JobSource {
  /** The repository's top directory on this machine. */
  gitTop: string;
  /** The launch commit: the worker runs exactly this tree. */
  sha: string;
  /** The recorded patch of an approved dirty launch. */
  patchPath?: string;
  /** The config snapshot taken at launch. */
  configSnapshot?: string;
  /** The script the command runs, as preflight named it (relative to the job's cwd, or absolute). */
  script?: string;
}

export interface JobHandle {
  executor: string;
  jobId: string;
  /** Absolute path of the captured stdout+stderr. */
  outputPath: string;
  host?: string;
  submittedAt: string;
  /** Executor-specific facts worth recording (partition, pgid, ...). */
  extra?: Record<string, string>;
}

/** What the executor can see of a job, normalised across executors. */
export type JobPhase =
  | 'queued'
  | 'running'
  | 'completed'
  | 'failed'
  | 'canceled'
  | 'timed_out'
  | 'preempted'
  | 'node_failure'
  | 'oom'
  | 'unknown'; // the executor no longer knows the job (→ lost)

export interface JobObservation {
  jobId: string;
  phase: JobPhase;
  exitCode?: number;
  signal?: string;
  /** Scheduler reason (Slurm Reason, ...). */
  reason?: string;
  /** True when the reason means the job will never start by itself. */
  neverStarts?: boolean;
  startedAt?: string;
  endedAt?: string;
  node?: string;
  /** A short line quoting what the state was read from. */
  evidence: string;
  /** Number of times the scheduler requeued the job. */
  restarts?: number;
}

export interface PollResult {
  jobs: Map<string, JobObservation>;
  /** Executor client calls made in this pass (benchmarks assert on it). */
  calls: number;
  /** Transport trouble: the state is unknown, not changed. */
  transportError?: string;
}

export interface Executor {
  readonly name: string;
  /** Reasons the request cannot run on this target; empty when it can. */
  preflight(spec: JobSpec): Promise<string[]>;
  submit(spec: JobSpec): Promise<JobHandle>;
  /** One pass over many jobs: one executor query, never one per job. */
  poll(handles: JobHandle[]): Promise<PollResult>;
  /**
   * Jobs one poll call can answer together, when that is narrower than the
   * executor (one ssh call per host): an outage of one group leaves the
   * others' answers standing.
   */
  pollGroup?(handle: JobHandle): string;
  /** Ask the job to stop; resolves when the executor confirms it ended. */
  cancel(handle: JobHandle, opts?: { graceMs?: number }): Promise<JobObservation>;
  /**
   * Many jobs as one submission (a Slurm job array: one sbatch, at most
   * `wave.throttle` running at once). Handles come back in `specs` order.
   * Submitting a wave whose key was already submitted finds it instead.
   */
  submitWave?(specs: JobSpec[], wave: WaveRequest): Promise<JobHandle[]>;
  /** Change how many jobs of live waves may run at once; returns the waves updated. */
  throttleWaves?(waveIds: string[], throttle: number): Promise<string[]>;
  /** Stop whole waves, one call each. */
  cancelWaves?(waveIds: string[]): Promise<void>;
}

export interface WaveRequest {
  /** Unique per wave; recorded with each member before the submit. */
  key: string;
  /** Shown by the scheduler (the campaign id). */
  name: string;
  /** Where the wave's script and its jobs' logs live. */
  dir: string;
  throttle: number;
}
