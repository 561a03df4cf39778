/**
 * The `jobs:` and `policy:` sections of runlog.config.yaml: every clock the
 * supervisor keeps, retry budgets and placement policy. Every clock has a
 * non-zero default (a hung run must never block anyone forever) and can be
 * shrunk to seconds, which is how the tests run real jobs quickly.
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import type { LedgerConfig } from './config.js';
import { parseDuration } from '../core/time.js';

const Duration = z.union([z.string(), z.number()]);

/** `resume`: a new attempt that continues from the newest complete checkpoint of the stalled one. */
export const StallActionSchema = z.enum(['retry', 'resume', 'fail']);
export type StallAction = z.infer<typeof StallActionSchema>;

const JobsSchema = z.object({
  /** Where each attempt's output directory is pinned; relative to the ledger root. */
  output_root: z.string().default('.runlog/outputs'),
  timeout: Duration.default('72h'),
  heartbeat: Duration.default('30m'),
  /** How long a run may stay stalled before the stall action runs. */
  stall_grace: Duration.default('10m'),
  stall_action: StallActionSchema.default('retry'),
  /** How long the executor may not see a job before it is worker_lost. */
  lost_grace: Duration.default('10m'),
  /** Automatic retries for transient failure classes; 0 turns them off. */
  retries: z.number().int().min(0).max(100).default(2),
  backoff_base: Duration.default('30s'),
  backoff_max: Duration.default('30m'),
  /** SIGTERM → SIGKILL grace when runlog stops a job. */
  kill_grace: Duration.default('10s'),
  /** A progress entry is committed every this many steps ... */
  cadence_steps: z.number().int().min(1).default(1000),
  /** ... or after this long with new steps, whichever comes first. */
  cadence_every: Duration.default('10m'),
  /** Names of environment variables whose values go in the Job block (`PREFIX_*` allowed). */
  env_allow: z
    .array(z.string())
    .default(['CUDA_VISIBLE_DEVICES', 'OMP_NUM_THREADS', 'PYTHONHASHSEED', 'SLURM_*', 'RUNLOG_*']),
  /** Extra progress regexes (see src/signals/progress.ts ProgressPattern). */
  progress_patterns: z
    .array(
      z.object({
        pattern: z.string(),
        flags: z.string().optional(),
        fields: z.record(z.string(), z.union([z.number(), z.string()])),
        throughputUnit: z.string().optional(),
      }),
    )
    .default([]),
});

const PolicySchema = z.object({
  /**
   * What counts as scarce: a request at or above any of these is scarce
   * (e.g. `{gpus: 1}`: any GPU; `{cpus: 32}`).
   */
  scarce: z
    .object({
      gpus: z.number().int().min(1).optional(),
      cpus: z.number().int().min(1).optional(),
      mem_mb: z.number().int().min(1).optional(),
    })
    .default({ gpus: 1 }),
  /** Run types or subtypes that must not hold scarce resources. */
  light_run_types: z.array(z.string()).default(['eval', 'debug', 'pipeline', 'test']),
});

export interface JobSettings {
  outputRoot: string;
  timeoutMs: number;
  heartbeatMs: number;
  stallGraceMs: number;
  stallAction: StallAction;
  lostGraceMs: number;
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  killGraceMs: number;
  cadenceSteps: number;
  cadenceEveryMs: number;
  envAllow: string[];
  progressPatterns: z.infer<typeof JobsSchema>['progress_patterns'];
}

export interface PolicySettings {
  scarce: { gpus?: number; cpus?: number; memMb?: number };
  lightRunTypes: string[];
}

function duration(value: string | number, key: string): number {
  const ms = typeof value === 'number' ? value * 1000 : parseDuration(value, `jobs.${key}`);
  if (!(ms > 0))
    throw usageError(
      'BAD_CONFIG_DURATION',
      `jobs.${key} in runlog.config.yaml must be longer than zero`,
      'every clock needs a limit; use e.g. 72h',
    );
  return ms;
}

function section<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw usageError(
    'BAD_CONFIG',
    `runlog.config.yaml: ${name}.${issue.path.join('.')}: ${issue.message}`,
    `fix the ${name}: section of runlog.config.yaml`,
  );
}

/** `<output root>/<run id>/attempt-<n>`: one directory per attempt, never reused. */
export function attemptDir(outputRoot: string, runId: string, attempt: number): string {
  return join(outputRoot, ...runId.split('/'), `attempt-${attempt}`);
}

export function jobSettings(root: string, config: LedgerConfig): JobSettings {
  const j = section(JobsSchema, (config as Record<string, unknown>)['jobs'], 'jobs');
  return {
    outputRoot: isAbsolute(j.output_root) ? j.output_root : join(root, j.output_root),
    timeoutMs: duration(j.timeout, 'timeout'),
    heartbeatMs: duration(j.heartbeat, 'heartbeat'),
    stallGraceMs: duration(j.stall_grace, 'stall_grace'),
    stallAction: j.stall_action,
    lostGraceMs: duration(j.lost_grace, 'lost_grace'),
    retries: j.retries,
    backoffBaseMs: duration(j.backoff_base, 'backoff_base'),
    backoffMaxMs: duration(j.backoff_max, 'backoff_max'),
    killGraceMs: duration(j.kill_grace, 'kill_grace'),
    cadenceSteps: j.cadence_steps,
    cadenceEveryMs: duration(j.cadence_every, 'cadence_every'),
    envAllow: j.env_allow,
    progressPatterns: j.progress_patterns,
  };
}

export function policySettings(config: LedgerConfig): PolicySettings {
  const p = section(PolicySchema, (config as Record<string, unknown>)['policy'], 'policy');
  return {
    scarce: { gpus: p.scarce.gpus, cpus: p.scarce.cpus, memMb: p.scarce.mem_mb },
    lightRunTypes: p.light_run_types,
  };
}
