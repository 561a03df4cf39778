/**
 * Which `hosts:` profile a run goes to when `--host` is not given. A host
 * fits when its declared GPUs, CPUs, memory and tags cover the request;
 * among those the tightest fit wins (fewest GPUs left over, then the least
 * memory), so big machines stay free for big work. A host with scarce GPUs
 * is held back from a run that asks for none: placing it there anyway is a
 * policy decision that needs --override-policy and is recorded. The record
 * says why the chosen host was chosen and why each other one was not.
 */
import type { HostProfile } from '../../config/hosts.js';

export interface PlacementRequest {
  gpus?: number;
  cpus?: number;
  memMb?: number;
  tags: string[];
  /** A request of this many GPUs or more is scarce (policy.scarce.gpus). */
  scarceGpus: number;
  overridePolicy?: string;
}

export interface PlacementOutcome {
  host?: HostProfile;
  /** One line for the Job block: the choice and every other host's reason. */
  record: string;
}

const gib = (mb: number) => `${Math.round((mb / 1024) * 10) / 10}G`;

export function describeHost(p: HostProfile): string {
  const parts = [`${p.gpus ?? 0} GPU${p.gpus === 1 ? '' : 's'}${p.gpuClass ? ` (${p.gpuClass})` : ''}`];
  if (p.cpus !== undefined) parts.push(`${p.cpus} CPUs`);
  if (p.memMb !== undefined) parts.push(`mem ${gib(p.memMb)}`);
  if (p.tags.length > 0) parts.push(`tags ${p.tags.join(', ')}`);
  return parts.join(', ');
}

function misfits(p: HostProfile, r: PlacementRequest): string[] {
  const out: string[] = [];
  const gpus = p.gpus ?? 0;
  if ((r.gpus ?? 0) > gpus) out.push(`${gpus} GPUs < ${r.gpus} requested`);
  if (r.cpus !== undefined && p.cpus !== undefined && r.cpus > p.cpus) out.push(`${p.cpus} CPUs < ${r.cpus} requested`);
  if (r.memMb !== undefined && p.memMb !== undefined && r.memMb > p.memMb)
    out.push(`mem ${gib(p.memMb)} < ${gib(r.memMb)} requested`);
  const missing = r.tags.filter((t) => !p.tags.includes(t));
  if (missing.length > 0) out.push(`lacks tag${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return out;
}

export function placeRun(profiles: HostProfile[], r: PlacementRequest): PlacementOutcome {
  const asked = [
    `${r.gpus ?? 0} GPUs`,
    r.cpus !== undefined && `${r.cpus} CPUs`,
    r.memMb !== undefined && `mem ${gib(r.memMb)}`,
    r.tags.length > 0 && `tags ${r.tags.join(', ')}`,
  ]
    .filter(Boolean)
    .join(', ');
  if (profiles.length === 0)
    return {
      record: `no host fits (${asked}): runlog.config.yaml has no hosts: profiles; add one or pass --host <ssh destination>`,
    };
  const notes = new Map<string, string>();
  const fitting: HostProfile[] = [];
  for (const p of profiles) {
    const m = misfits(p, r);
    if (m.length > 0) notes.set(p.name, m.join('; '));
    else fitting.push(p);
  }
  const scarce = (p: HostProfile) => (p.gpus ?? 0) >= r.scarceGpus;
  const wantsGpu = (r.gpus ?? 0) > 0;
  let candidates = fitting;
  let override = '';
  if (!wantsGpu) {
    const plain = fitting.filter((p) => !scarce(p));
    for (const p of fitting.filter(scarce))
      notes.set(p.name, `held back: its ${p.gpus} GPUs are scarce and this run asks for none`);
    if (plain.length > 0) candidates = plain;
    else if (fitting.length > 0 && r.overridePolicy?.trim()) {
      candidates = fitting;
      override = `; policy overridden (${r.overridePolicy.trim()}): scarce GPUs placed for a run that asks for none`;
    } else candidates = [];
  }
  const others = () => profiles.filter((p) => notes.has(p.name)).map((p) => `${p.name}: ${notes.get(p.name)}`);
  if (candidates.length === 0) {
    const hint =
      fitting.length > 0
        ? '; only hosts with scarce GPUs fit: pass --override-policy "<reason>" to use one, or ask for a GPU'
        : '';
    return { record: `no host fits (${asked}): ${others().join('; ')}${hint}` };
  }
  const spare = (p: HostProfile) => [
    (p.gpus ?? 0) - (r.gpus ?? 0),
    p.memMb ?? Number.MAX_SAFE_INTEGER,
    p.cpus ?? Number.MAX_SAFE_INTEGER,
  ];
  const [host] = [...candidates].sort((a, b) => {
    const sa = spare(a);
    const sb = spare(b);
    for (let i = 0; i < sa.length; i++) if (sa[i] !== sb[i]) return sa[i]! - sb[i]!;
    return a.name.localeCompare(b.name);
  });
  for (const p of candidates) if (p !== host) notes.set(p.name, `fits, but ${host!.name} is the tighter fit`);
  notes.delete(host!.name);
  const rest = others();
  return {
    host,
    record: `placed on ${host!.name} (${describeHost(host!)}) for ${asked}${override}${rest.length > 0 ? `; not ${rest.join('; not ')}` : ''}`,
  };
}
