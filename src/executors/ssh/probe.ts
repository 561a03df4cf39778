/**
 * Preflight over SSH: what one PROBE call found on the worker, held against
 * the request and the profile's declarations. Declared and probed values are
 * both recorded; a request is refused on what the worker really has.
 */
import { parseNvidiaSmi, type GpuInfo } from '../hardware.js';
import type { HostProfile } from '../../config/hosts.js';
import type { ResourceRequest } from '../types.js';
import { parseFields } from './protocol.js';

export interface ProbeFacts {
  workdir: string;
  writable: boolean;
  freeMb?: number;
  cpus?: number;
  memMb?: number;
  gpus: GpuInfo[];
  hasNvidiaSmi: boolean;
  hasSetsid: boolean;
  hasTar: boolean;
  bootId?: string;
}

const num = (v: string | undefined) =>
  v === undefined || v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v);

export function parseProbe(text: string): ProbeFacts {
  const f = parseFields(text);
  const gpuLines = text
    .split('\n')
    .filter((l) => l.startsWith('gpu='))
    .map((l) => l.slice(4))
    .join('\n');
  const kb = (v: string | undefined) => (num(v) === undefined ? undefined : Math.floor(num(v)! / 1024));
  return {
    workdir: f['workdir'] ?? '',
    writable: f['writable'] === '1',
    freeMb: kb(f['free_kb']),
    cpus: num(f['cpus']),
    memMb: kb(f['mem_kb']),
    gpus: parseNvidiaSmi(gpuLines),
    hasNvidiaSmi: f['has_nvidia_smi'] === '1',
    hasSetsid: f['has_setsid'] === '1',
    hasTar: f['has_tar'] === '1',
    bootId: f['boot_id'] || undefined,
  };
}

/** One line for the Job block: what the profile declares next to what the worker has. */
export function probeSummary(profile: HostProfile, p: ProbeFacts): string {
  const gpus = p.hasNvidiaSmi
    ? `${p.gpus.length} GPU${p.gpus.length === 1 ? '' : 's'}${p.gpus.length > 0 ? ` (${[...new Set(p.gpus.map((g) => g.name))].join(', ')})` : ''}`
    : 'no nvidia-smi';
  const probed = [`${p.cpus ?? '?'} CPUs`, `mem ${p.memMb ?? '?'} MiB`, gpus, `free disk ${p.freeMb ?? '?'} MiB`].join(
    ', ',
  );
  const declared =
    profile.gpus !== undefined || profile.memMb !== undefined || profile.cpus !== undefined
      ? `; declared ${[profile.gpus !== undefined && `${profile.gpus} GPUs${profile.gpuClass ? ` (${profile.gpuClass})` : ''}`, profile.cpus !== undefined && `${profile.cpus} CPUs`, profile.memMb !== undefined && `mem ${profile.memMb} MiB`].filter(Boolean).join(', ')}`
      : '';
  return `probed ${probed}${declared}`;
}

export function probeReasons(profile: HostProfile, p: ProbeFacts, r: ResourceRequest, minFreeMb: number): string[] {
  const reasons: string[] = [];
  const on = `on ${profile.name}`;
  if (!p.writable) reasons.push(`workdir ${p.workdir} ${on} cannot be created or written`);
  if (p.freeMb !== undefined && p.freeMb < minFreeMb)
    reasons.push(`only ${p.freeMb} MiB free under ${p.workdir} ${on} (ssh.min_free_disk is ${minFreeMb} MiB)`);
  if (!p.hasSetsid) reasons.push(`setsid is not installed ${on}; the job could not be detached from the ssh session`);
  if (!p.hasTar) reasons.push(`tar is not installed ${on}; the code cannot be handed off`);
  if (r.cpus !== undefined && p.cpus !== undefined && r.cpus > p.cpus)
    reasons.push(`requested ${r.cpus} CPUs; ${profile.name} has ${p.cpus}`);
  if (r.memMb !== undefined && p.memMb !== undefined && r.memMb > p.memMb)
    reasons.push(`requested ${r.memMb} MiB of memory; ${profile.name} has ${p.memMb} MiB`);
  if (r.gpus !== undefined && r.gpus > p.gpus.length) {
    const found = p.hasNvidiaSmi ? `${p.gpus.length} (nvidia-smi)` : 'none (no nvidia-smi)';
    reasons.push(
      `requested ${r.gpus} GPUs; ${profile.name} has ${found}${profile.gpus !== undefined ? `, ${profile.gpus} declared` : ''}`,
    );
  }
  return reasons;
}
