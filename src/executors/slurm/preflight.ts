import type { JobSpec } from '../types.js';
import { gresRequest, scriptProblems, type SlurmProfile } from './batch-script.js';
import type { SlurmClient } from './client.js';
import { parseGres, parseScontrol, parseSlurmDuration } from './parse.js';

interface NodeFacts {
  name: string;
  cpus: number;
  memMb: number;
  gres: Map<string, number>;
  features: Set<string>;
}

function nodeFacts(fields: Map<string, string>): NodeFacts {
  const num = (k: string) => Number(fields.get(k) ?? 'NaN');
  const cpus = Number.isFinite(num('CPUEfctv')) ? num('CPUEfctv') : num('CPUTot');
  const features = (fields.get('AvailableFeatures') ?? '').split(',').filter((f) => f !== '' && f !== '(null)');
  return {
    name: fields.get('NodeName') ?? '?',
    cpus: Number.isFinite(cpus) ? cpus : 0,
    memMb: Number.isFinite(num('RealMemory')) ? num('RealMemory') : 0,
    gres: parseGres(fields.get('Gres')),
    features: new Set(features),
  };
}

/** How many of `want` (name or name:type) a node offers; an untyped request takes any type. */
function gresAvailable(node: NodeFacts, want: string): number {
  let total = 0;
  for (const [have, count] of node.gres) {
    if (have === want || have.startsWith(`${want}:`)) total += count;
  }
  return total;
}

function limitMb(text: string | undefined): number {
  if (!text || text === 'UNLIMITED') return Number.POSITIVE_INFINITY;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : Number.POSITIVE_INFINITY;
}

function human(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'UNLIMITED';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}

/**
 * Checks a request against what the partition can ever give, so a job that
 * would pend forever (PartitionConfig, PartitionTimeLimit, ...) is refused
 * before sbatch. Current load is not judged: a busy node frees up.
 */
export async function slurmPreflight(client: SlurmClient, spec: JobSpec, profile: SlurmProfile): Promise<string[]> {
  const reasons = scriptProblems(spec, profile);
  const partitions = parseScontrol((await client.runOk('scontrol', ['show', 'partition', '-o'])).stdout);
  const requested = spec.resources.partition ?? profile.partition;
  const partition = requested
    ? partitions.find((p) => p.get('PartitionName') === requested)
    : partitions.find((p) => p.get('Default') === 'YES');
  const names = partitions.map((p) => p.get('PartitionName')).join(', ');
  if (!partition) {
    reasons.push(
      requested
        ? `partition ${requested} does not exist (partitions: ${names || 'none'})`
        : `no partition was requested and the cluster has no default partition (partitions: ${names || 'none'})`,
    );
    return reasons;
  }
  const pname = partition.get('PartitionName') as string;
  const state = partition.get('State') ?? 'UNKNOWN';
  if (state !== 'UP') reasons.push(`partition ${pname} is ${state}, not UP`);

  const nodes = parseScontrol((await client.runOk('scontrol', ['show', 'node', '-o'])).stdout)
    .filter((n) => (n.get('Partitions') ?? '').split(',').includes(pname))
    .map(nodeFacts);
  if (nodes.length === 0) {
    reasons.push(`partition ${pname} has no nodes`);
    return reasons;
  }

  const r = spec.resources;
  const cpus = r.cpus ?? 1;
  const maxCpusPerNode = Number(partition.get('MaxCPUsPerNode'));
  const largestCpus = Math.max(...nodes.map((n) => n.cpus));
  if (cpus > largestCpus)
    reasons.push(`requested ${cpus} CPUs but the largest node in partition ${pname} has ${largestCpus}`);
  else if (Number.isFinite(maxCpusPerNode) && cpus > maxCpusPerNode)
    reasons.push(`requested ${cpus} CPUs but partition ${pname} allows ${maxCpusPerNode} per node`);

  const memMb = r.memMb ?? 0;
  const largestMem = Math.max(...nodes.map((n) => n.memMb));
  const maxMemPerNode = limitMb(partition.get('MaxMemPerNode'));
  if (memMb > largestMem)
    reasons.push(`requested ${memMb} MiB of memory but the largest node in partition ${pname} has ${largestMem} MiB`);
  else if (memMb > maxMemPerNode)
    reasons.push(`requested ${memMb} MiB of memory but partition ${pname} allows ${maxMemPerNode} MiB per node`);

  const gresWanted = parseGres(gresRequest(spec));
  for (const [name, count] of gresWanted) {
    const best = Math.max(...nodes.map((n) => gresAvailable(n, name)));
    if (count > best)
      reasons.push(
        best === 0
          ? `requested GRES ${name}:${count} but no node in partition ${pname} has ${name}`
          : `requested GRES ${name}:${count} but the best node in partition ${pname} has ${best}`,
      );
  }

  const constraint = r.constraint ?? profile.constraint;
  if (constraint && /^[A-Za-z0-9_.-]+$/.test(constraint) && !nodes.some((n) => n.features.has(constraint))) {
    reasons.push(`requested constraint ${constraint} but no node in partition ${pname} has that feature`);
  }

  if (reasons.length === 0) {
    const fits = nodes.some(
      (n) =>
        n.cpus >= cpus && n.memMb >= memMb && [...gresWanted].every(([name, count]) => gresAvailable(n, name) >= count),
    );
    if (!fits)
      reasons.push(
        `no single node in partition ${pname} has ${cpus} CPUs, ${memMb} MiB and the requested GRES together`,
      );
  }

  const limit = r.timeLimitSec ?? 0;
  const maxTime = parseSlurmDuration(partition.get('MaxTime') ?? 'UNLIMITED') ?? Number.POSITIVE_INFINITY;
  if (limit > 0 && limit > maxTime)
    reasons.push(`requested a time limit of ${human(limit)} but partition ${pname} allows at most ${human(maxTime)}`);

  for (const scarce of profile.scarceGres ?? []) {
    const everyNodeHasIt = nodes.every((n) => gresAvailable(n, scarce) > 0);
    if (everyNodeHasIt && !gresWanted.has(scarce) && ![...gresWanted.keys()].some((g) => g.startsWith(`${scarce}:`))) {
      reasons.push(
        `partition ${pname} holds scarce GRES ${scarce} on every node but the job requests none; request ${scarce} or pick a partition without it`,
      );
    }
  }
  return reasons;
}
