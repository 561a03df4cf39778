/**
 * What this machine decided and launched for each attempt, in local state
 * (../executors/state.ts), never in the tree:
 *
 * - the launch plan: exactly what was asked for (full argv, cwd, resources,
 *   clocks, flags), unscrubbed and private, so a retry relaunches the same
 *   request without the ledger ever holding a secret the scrubber removed;
 *   it notes when preflight passed (only then may a cut-off launch be
 *   adopted) and the hash of the command the Job block recorded (a retry
 *   without a command reuses the plan only while the block still says so);
 * - the handle the executor returned: the only thing poll, stop and cancel
 *   act on. A Job block names a pid, a job id and an output path too, but it
 *   arrives through git and anyone can push one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { failed, usageError, type RunlogError } from '../core/errors.js';
import { StallActionSchema } from '../config/jobs.js';
import { JobHandleSchema, type LocalState } from '../executors/state.js';
import type { JobHandle } from '../executors/types.js';

export const LaunchPlanSchema = z.object({
  schema: z.literal(1),
  executor: z.string(),
  cluster: z.string().optional(),
  /** SSH: the host (a `hosts:` profile or an ssh destination), pinned at submit like a cluster. */
  host: z.string().optional(),
  /** SSH: why that host was chosen, or why no host fits. */
  placement: z.string().optional(),
  /** Runtime tags the host must declare (`--tag`). */
  tags: z.array(z.string()).optional(),
  argv: z.array(z.string()).min(1),
  cwd: z.string(),
  /** The pinned root the attempt dirs live under when it is not jobs.output_root (a hero run's). */
  outputRoot: z.string().optional(),
  resources: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  initFrom: z.string().optional(),
  allowDirty: z.boolean(),
  overridePolicy: z.string().optional(),
  image: z.string().optional(),
  /** 0: no wall-clock limit (only when a campaign manifest says `timeout: none`). */
  timeoutMs: z.number(),
  heartbeatMs: z.number(),
  retries: z.number().int(),
  /** Budget for preemption and node failure, apart from `retries` (default jobs.infra_retries). */
  infraRetries: z.number().int().optional(),
  stallAction: StallActionSchema,
  /** Retry backoff of this request (default jobs.backoff_base / backoff_max). */
  backoffMs: z.number().optional(),
  backoffMaxMs: z.number().optional(),
  /** A campaign entry: outputs under <output root>/<campaign>/<entry>/attempt-<n>. */
  campaign: z
    .object({
      id: z.string(),
      entry: z.string(),
      /** Where the entry writes checkpoints, relative to its output directory (stall_action resume). */
      checkpoints: z.string(),
      wandbStrict: z.boolean(),
    })
    .optional(),
});
export type LaunchPlan = z.infer<typeof LaunchPlanSchema>;

const PlanRecordSchema = LaunchPlanSchema.extend({
  /** Set once preflight passed on this machine: the only launches a pass may resume without running it again. */
  preflightPassedAt: z.string().optional(),
  /** sha256 of the Job block's `command:` value as committed with this attempt's intent. */
  commandHash: z.string().optional(),
});
export type PlanRecord = z.infer<typeof PlanRecordSchema>;

export function savePlan(state: LocalState, key: string, plan: PlanRecord): void {
  state.write(key, 'plan', plan);
}

export function loadPlan(state: LocalState, key: string): PlanRecord | undefined {
  return state.read(key, 'plan', PlanRecordSchema);
}

/** The plan without this machine's notes about it: what the next attempt asks for. */
export function requestOf(record: PlanRecord): LaunchPlan {
  const { preflightPassedAt: _passed, commandHash: _hash, ...plan } = record;
  return plan;
}

/** The hash a Job block's recorded command is compared by. */
export const commandHash = (recorded: string | undefined) =>
  createHash('sha256')
    .update(recorded ?? '')
    .digest('hex');

export function saveLaunch(state: LocalState, key: string, handle: JobHandle): void {
  state.write(key, 'launch', handle);
}

/** The handle of attempt `key` when this machine launched it, and it is the job `jobId` (the Job block's). */
export function launchedHere(state: LocalState, key: string, jobId?: string): JobHandle | undefined {
  const handle = state.read(key, 'launch', JobHandleSchema);
  return handle !== undefined && (jobId === undefined || handle.jobId === jobId) ? handle : undefined;
}

const INTERPRETERS: [RegExp, string][] = [
  [/\.py$/i, 'python3'],
  [/\.(?:mjs|cjs|js)$/i, 'node'],
  [/\.(?:sh|bash)$/i, 'bash'],
];

/** `runlog submit <run>` with no command: run the script the run log declares. */
export function argvForScript(script: string | undefined, runId: string): string[] {
  if (script === undefined || script === '' || script === 'n/a') {
    throw usageError(
      'NO_COMMAND',
      `${runId} declares no script and no command was given`,
      `pass the command after --, e.g. runlog submit ${runId} -- python train.py, or set --script on runlog new`,
    );
  }
  const interpreter = INTERPRETERS.find(([re]) => re.test(script))?.[1];
  return interpreter ? [interpreter, script] : [script];
}

/**
 * The job of the attempt a Job block describes, as this machine knows it:
 * its handle when this machine launched it; `foreign` when the block names
 * a job this machine has no record of (launched elsewhere, or forged);
 * `none` when no job was started.
 */
export function jobOfAttempt(
  state: LocalState,
  attempt: { idempotencyKey?: string; jobId?: string },
): JobHandle | 'foreign' | 'none' {
  if (attempt.idempotencyKey === undefined) return attempt.jobId === undefined ? 'none' : 'foreign';
  const handle = launchedHere(state, attempt.idempotencyKey, attempt.jobId);
  if (handle) return handle;
  return attempt.jobId === undefined ? 'none' : 'foreign';
}

/** The error of an action on a job this machine did not launch. */
export function notLocal(
  runId: string,
  attempt: { idempotencyKey?: string; jobId?: string; host?: string },
): RunlogError {
  return failed(
    'JOB_NOT_LOCAL',
    `${runId}'s job ${attempt.jobId ?? ''} (attempt ${attempt.idempotencyKey ?? '?'}) was not launched from this clone: there is no local record of it, so runlog will not signal or poll it`,
    `act on it where it was launched${attempt.host ? ` (${attempt.host})` : ''}; to only record a decision here, use \`runlog cancel ${runId} --reason "<why>"\` (nothing is signalled)`,
    { details: { key: attempt.idempotencyKey, jobId: attempt.jobId } },
  );
}
