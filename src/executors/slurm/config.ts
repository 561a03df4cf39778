/**
 * `clusters:` in runlog.config.yaml: named Slurm targets. A profile holds
 * what every job sent there shares (partition, account, qos, constraint,
 * extra sbatch options, default resources) and what runlog needs to talk to
 * the cluster (SLURM_CONF and friends, call timeout) and to judge it (scarce
 * GRES for the placement policy, how long pending or unreachable is too
 * long). Flags on `runlog submit` override the profile's defaults.
 *
 * ```yaml
 * default_cluster: gpu
 * clusters:
 *   gpu:
 *     partition: a100
 *     account: proj-42
 *     scarce_gres: [gpu]
 *     extra_args: ["--exclusive"]
 *     defaults: {cpus: 8, mem: 64G, time: 12h}
 *     env: {SLURM_CONF: /etc/slurm/slurm.conf}
 * ```
 */
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { LedgerConfig } from '../../config/config.js';
import { usageError } from '../../core/errors.js';
import { parseMemMb as parseSize } from '../../core/units.js';
import { parseDuration } from '../../core/time.js';
import type { SlurmExecutorOptions } from './executor.js';
import type { ResourceRequest } from '../types.js';

const Duration = z.union([z.string(), z.number().positive()]);
const MemSize = z.union([z.string(), z.number().positive()]);

const DefaultsSchema = z
  .object({
    cpus: z.number().int().positive().optional(),
    /** `64G`, `512M`, or a number of MiB (Slurm's convention). */
    mem: MemSize.optional(),
    /** Slurm time limit: `12h`, `90m`, `1:30:00`, or seconds. */
    time: Duration.optional(),
    gres: z.string().optional(),
    requeue: z.boolean().optional(),
  })
  .strict();

export const ClusterProfileSchema = z
  .object({
    executor: z.literal('slurm').default('slurm'),
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    qos: z.string().min(1).optional(),
    constraint: z.string().min(1).optional(),
    /** Extra sbatch options, one per element (`--exclusive`, `--reservation=x`). */
    extra_args: z.array(z.string()).optional(),
    /** GRES names (`gpu`, `gpu:a100`) that light work must not tie up. */
    scarce_gres: z.array(z.string().min(1)).optional(),
    /** Resources a job gets when its submit flags do not say. */
    defaults: DefaultsSchema.optional(),
    /** Environment for every Slurm command (SLURM_CONF, ...). */
    env: z.record(z.string(), z.string()).optional(),
    /** Batch script template (relative to the ledger root or absolute). */
    template: z.string().min(1).optional(),
    /** Limit on each Slurm client call; a dead slurmctld takes 9-18 s to fail. */
    call_timeout: Duration.optional(),
    /** A job pending this long for an ordinary reason (Resources, Priority) is flagged. */
    pending_grace: Duration.optional(),
    /** Slurm unreachable this long: the run's Status says `monitor stale`. */
    stale_after: Duration.optional(),
  })
  .strict();
export type ClusterProfile = z.infer<typeof ClusterProfileSchema>;

export const DEFAULT_CALL_TIMEOUT_MS = 30_000;
export const DEFAULT_PENDING_GRACE_MS = 30 * 60_000;
export const DEFAULT_STALE_AFTER_MS = 5 * 60_000;

function clusters(config: LedgerConfig): Record<string, unknown> {
  const raw = (config as Record<string, unknown>)['clusters'];
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

/** Every profile name in the config. */
export function clusterNames(config: LedgerConfig): string[] {
  return Object.keys(clusters(config));
}

/** The profile a Slurm job uses: by name, else `default_cluster`, else the only one. */
export function clusterProfile(config: LedgerConfig, name?: string): { name: string; profile: ClusterProfile } {
  const all = clusters(config);
  const names = Object.keys(all);
  const fallback = (config as Record<string, unknown>)['default_cluster'];
  const chosen = name ?? (typeof fallback === 'string' ? fallback : names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) {
    throw usageError(
      'NO_CLUSTER_PROFILE',
      names.length === 0
        ? 'runlog.config.yaml has no clusters: profile for the Slurm executor'
        : `several cluster profiles (${names.join(', ')}) and none chosen`,
      names.length === 0
        ? 'add `clusters: {<name>: {partition: <p>, env: {SLURM_CONF: <path>}}}` to runlog.config.yaml'
        : 'pass --cluster <name> or set default_cluster in runlog.config.yaml',
    );
  }
  if (!Object.hasOwn(all, chosen)) {
    throw usageError(
      'UNKNOWN_CLUSTER',
      `no cluster profile named ${chosen}`,
      names.length > 0 ? `use one of: ${names.join(', ')}` : 'add it under clusters: in runlog.config.yaml',
    );
  }
  const parsed = ClusterProfileSchema.safeParse(all[chosen] ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = [chosen, ...issue.path.map(String)].join('.');
    throw usageError(
      'BAD_CONFIG',
      `runlog.config.yaml: clusters.${where}: ${issue.message}`,
      `fix clusters.${chosen} in runlog.config.yaml (keys: ${Object.keys(ClusterProfileSchema.shape).join(', ')})`,
    );
  }
  checkProfileValues(chosen, parsed.data);
  return { name: chosen, profile: parsed.data };
}

/**
 * What `env:` may set for the Slurm commands: Slurm's own variables only.
 * The profile arrives through git and the commands run on every poll, so a
 * PATH, LD_PRELOAD or BASH_ENV there would let a pushed config choose the
 * program a teammate's ordinary `runlog poll` runs.
 */
const SLURM_ENV_NAME = /^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SACCT|SCANCEL|SCONTROL|SINFO)_[A-Z0-9_]+$/;

/** Values zod cannot judge alone; checked up front so a bad profile fails before any job is touched. */
function checkProfileValues(name: string, p: ClusterProfile): void {
  for (const key of Object.keys(p.env ?? {})) {
    if (!SLURM_ENV_NAME.test(key)) {
      throw usageError(
        'BAD_CONFIG',
        `runlog.config.yaml: clusters.${name}.env: ${JSON.stringify(key)} is not a Slurm variable`,
        'env: holds Slurm settings only (SLURM_CONF, SLURM_*, SBATCH_*, SQUEUE_*, …); set anything else, PATH included, in your own shell',
      );
    }
  }
  const d = p.defaults;
  if (d?.mem !== undefined) parseMemMb(d.mem, `clusters.${name}.defaults.mem`);
  for (const [key, value] of [
    ['defaults.time', d?.time],
    ['call_timeout', p.call_timeout],
    ['pending_grace', p.pending_grace],
    ['stale_after', p.stale_after],
  ] as const) {
    if (value !== undefined) durationMs(value, `clusters.${name}.${key}`);
  }
  for (const arg of p.extra_args ?? []) {
    if (!arg.startsWith('-')) {
      throw usageError(
        'BAD_CONFIG',
        `runlog.config.yaml: clusters.${name}.extra_args: ${JSON.stringify(arg)} is not an sbatch option`,
        'write each entry as one option, e.g. "--exclusive" or "--reservation=maint"',
      );
    }
  }
}

function durationMs(value: string | number, where: string): number {
  const ms = typeof value === 'number' ? value * 1000 : parseDuration(value, where);
  if (!(ms > 0))
    throw usageError(
      'BAD_CONFIG_DURATION',
      `${where} in runlog.config.yaml must be longer than zero`,
      'use e.g. 30s, 10m or 2h',
    );
  return ms;
}

/** A memory size as sbatch reads it (`64G`, `512M`, `512`: MiB) in MiB. */
export function parseMemMb(value: string | number, where: string): number {
  const mb = typeof value === 'number' ? value : parseSize(value, where);
  if (!(mb > 0))
    throw usageError(
      'BAD_SIZE',
      `${where} ${JSON.stringify(String(value))} is not a memory size above zero`,
      `use e.g. ${where} 16G or 512M (a bare number is MiB)`,
    );
  return mb;
}

/** The profile's default resources, under which submit flags are laid. */
export function profileDefaults(profile: ClusterProfile, name = 'profile'): ResourceRequest {
  const d = profile.defaults ?? {};
  const out: ResourceRequest = {};
  if (d.cpus !== undefined) out.cpus = d.cpus;
  if (d.mem !== undefined) out.memMb = parseMemMb(d.mem, `clusters.${name}.defaults.mem`);
  if (d.time !== undefined) out.timeLimitSec = Math.ceil(durationMs(d.time, `clusters.${name}.defaults.time`) / 1000);
  if (d.gres !== undefined) out.gres = d.gres;
  if (d.requeue !== undefined) out.requeue = d.requeue;
  return out;
}

export interface SlurmMonitorSettings {
  pendingGraceMs: number;
  staleAfterMs: number;
}

/** The supervisor's Slurm clocks for this profile. */
export function slurmMonitorSettings(profile: ClusterProfile): SlurmMonitorSettings {
  return {
    pendingGraceMs:
      profile.pending_grace === undefined
        ? DEFAULT_PENDING_GRACE_MS
        : durationMs(profile.pending_grace, 'pending_grace'),
    staleAfterMs:
      profile.stale_after === undefined ? DEFAULT_STALE_AFTER_MS : durationMs(profile.stale_after, 'stale_after'),
  };
}

/** Everything SlurmExecutor needs from a profile; relative paths resolve against the ledger root. */
export function slurmExecutorOptions(profile: ClusterProfile, root: string): SlurmExecutorOptions {
  return {
    env: profile.env,
    callTimeoutMs:
      profile.call_timeout === undefined ? DEFAULT_CALL_TIMEOUT_MS : durationMs(profile.call_timeout, 'call_timeout'),
    templatePath:
      profile.template === undefined
        ? undefined
        : isAbsolute(profile.template)
          ? profile.template
          : join(root, profile.template),
    profile: {
      partition: profile.partition,
      account: profile.account,
      qos: profile.qos,
      constraint: profile.constraint,
      extraArgs: profile.extra_args,
      scarceGres: profile.scarce_gres,
      defaults: profileDefaults(profile),
    },
  };
}

/** The supervisor's clocks for an executor: Slurm's come from its profile, other executors have no queue. */
export function monitorClocks(
  config: LedgerConfig,
  executor: string,
  cluster?: string,
): { pendingGraceMs?: number; staleAfterMs: number } {
  if (executor !== 'slurm') return { staleAfterMs: DEFAULT_STALE_AFTER_MS };
  return slurmMonitorSettings(clusterProfile(config, cluster).profile);
}
