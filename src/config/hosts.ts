/**
 * `hosts:` and `ssh:` in runlog.config.yaml: the machines the SSH executor
 * places work on, and how it talks to them.
 *
 * ```yaml
 * hosts:
 *   gpu-box:                 # the name --host takes
 *     ssh: gpu-box.lab       # any ssh destination (an alias from ~/.ssh/config, user@host, ssh://user@host:port)
 *     workdir: /scratch/runlog   # where attempts live on the worker (default ~/.runlog)
 *     gpus: 2                # declared; preflight probes nvidia-smi and records both
 *     gpu_class: a100
 *     cpus: 32
 *     mem: 256G
 *     tags: [cuda12, imagenet-local]
 * ssh:
 *   call_timeout: 30s        # hard deadline of every ssh call
 *   unreachable_grace: 2m    # ssh failing this long makes the host's runs `lost`
 * ```
 *
 * Which ssh client config is read is not a ledger setting: a committed file
 * must not choose a ProxyCommand for everyone who pulls it. ssh reads the
 * user's own ~/.ssh/config, or the file named by RUNLOG_SSH_CONFIG.
 */
import { z } from 'zod';
import type { LedgerConfig } from './config.js';
import { usageError } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import { parseMemMb } from '../core/units.js';

const Duration = z.union([z.string(), z.number().positive()]);
const Size = z.union([z.string(), z.number().positive()]);

export const HostProfileSchema = z
  .object({
    ssh: z.string().min(1),
    workdir: z.string().min(1).default('~/.runlog'),
    gpus: z.number().int().min(0).optional(),
    gpu_class: z.string().min(1).optional(),
    cpus: z.number().int().positive().optional(),
    /** `256G`, `512M`, or a number of MiB. */
    mem: Size.optional(),
    tags: z.array(z.string().min(1)).default([]),
  })
  .strict();
export type HostProfileConfig = z.infer<typeof HostProfileSchema>;

const SshSectionSchema = z
  .object({
    call_timeout: Duration.default('30s'),
    connect_timeout: Duration.default('10s'),
    control_persist: Duration.default('60s'),
    unreachable_grace: Duration.default('2m'),
    /** Preflight refuses a worker with less free disk under its workdir. */
    min_free_disk: Size.default('1G'),
    /** Most log bytes one poll fetches per run; a run further behind skips ahead to its tail. */
    max_log_chunk: Size.default('1M'),
  })
  .strict();

/** A host profile with its sizes in MiB. */
export interface HostProfile {
  name: string;
  destination: string;
  workdir: string;
  gpus?: number;
  gpuClass?: string;
  cpus?: number;
  memMb?: number;
  tags: string[];
}

export interface SshSettings {
  callTimeoutMs: number;
  connectTimeoutSec: number;
  controlPersistSec: number;
  unreachableGraceMs: number;
  minFreeDiskMb: number;
  maxLogChunkBytes: number;
  /** RUNLOG_SSH_CONFIG: the client config file (`ssh -F`), else ssh's own. */
  configFile?: string;
  /** RUNLOG_SSH_CONTROL_DIR: where multiplexing sockets live; `none` turns multiplexing off. */
  controlDir?: string | false;
}

function section(config: LedgerConfig, key: string): unknown {
  return (config as Record<string, unknown>)[key];
}

function badConfig(where: string, message: string, hint: string): never {
  throw usageError('BAD_CONFIG', `runlog.config.yaml: ${where}: ${message}`, hint);
}

function ms(value: string | number, where: string): number {
  const out = typeof value === 'number' ? value * 1000 : parseDuration(value, where);
  if (!(out > 0))
    throw usageError(
      'BAD_CONFIG_DURATION',
      `${where} in runlog.config.yaml must be longer than zero`,
      'use e.g. 30s, 10m or 2h',
    );
  return out;
}

const mib = (value: string | number, where: string): number =>
  typeof value === 'number' ? value : parseMemMb(value, where);

/** Every `hosts:` profile, validated; an empty list when the section is absent. */
export function hostProfiles(config: LedgerConfig): HostProfile[] {
  const raw = section(config, 'hosts');
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw))
    badConfig('hosts', 'must be a map of host names to profiles', 'write hosts: {<name>: {ssh: <destination>}}');
  return Object.entries(raw as Record<string, unknown>).map(([name, value]) => {
    const parsed = HostProfileSchema.safeParse(value ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      badConfig(
        [`hosts.${name}`, ...issue.path.map(String)].join('.'),
        issue.message,
        `fix hosts.${name} (keys: ${Object.keys(HostProfileSchema.shape).join(', ')})`,
      );
    }
    const p = parsed.data;
    return {
      name,
      destination: p.ssh,
      workdir: p.workdir,
      gpus: p.gpus,
      gpuClass: p.gpu_class,
      cpus: p.cpus,
      memMb: p.mem === undefined ? undefined : mib(p.mem, `hosts.${name}.mem`),
      tags: p.tags,
    };
  });
}

/**
 * `--host <name>`: the profile of that name, or else a bare ssh destination
 * with nothing declared (zero config: the user's ssh config knows it).
 */
export function hostFor(config: LedgerConfig, host: string): HostProfile {
  return (
    hostProfiles(config).find((p) => p.name === host) ?? {
      name: host,
      destination: host,
      workdir: '~/.runlog',
      tags: [],
    }
  );
}

export function sshSettings(config: LedgerConfig, env: NodeJS.ProcessEnv = process.env): SshSettings {
  const parsed = SshSectionSchema.safeParse(section(config, 'ssh') ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    badConfig(
      `ssh.${issue.path.join('.')}`,
      issue.message,
      `fix the ssh: section (keys: ${Object.keys(SshSectionSchema.shape).join(', ')})`,
    );
  }
  const s = parsed.data;
  const controlDir = env['RUNLOG_SSH_CONTROL_DIR'];
  return {
    callTimeoutMs: ms(s.call_timeout, 'ssh.call_timeout'),
    connectTimeoutSec: Math.max(1, Math.ceil(ms(s.connect_timeout, 'ssh.connect_timeout') / 1000)),
    controlPersistSec: Math.max(1, Math.ceil(ms(s.control_persist, 'ssh.control_persist') / 1000)),
    unreachableGraceMs: ms(s.unreachable_grace, 'ssh.unreachable_grace'),
    minFreeDiskMb: mib(s.min_free_disk, 'ssh.min_free_disk'),
    maxLogChunkBytes: mib(s.max_log_chunk, 'ssh.max_log_chunk') * 1024 * 1024,
    configFile: env['RUNLOG_SSH_CONFIG'] || undefined,
    controlDir: controlDir === 'none' ? false : controlDir || undefined,
  };
}
