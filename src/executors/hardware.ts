import { execFile } from 'node:child_process';
import { availableParallelism, tmpdir, totalmem } from 'node:os';

export interface GpuInfo {
  name: string;
  memMb: number;
}

export interface LocalHardware {
  /** CPUs this process may use (affinity-aware). */
  cpus: number;
  /** Total memory in MiB. */
  memMb: number;
  gpus: GpuInfo[];
}

const NVIDIA_SMI_ARGS = ['--query-gpu=name,memory.total', '--format=csv,noheader'];

/** Lines like `NVIDIA A100-SXM4-40GB, 40960 MiB`; the name may itself hold commas. */
export function parseNvidiaSmi(csv: string): GpuInfo[] {
  const gpus: GpuInfo[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const comma = line.lastIndexOf(',');
    if (comma < 0) continue;
    const name = line.slice(0, comma).trim();
    const memMb = Number.parseInt(line.slice(comma + 1).trim(), 10);
    if (name !== '' && Number.isFinite(memMb)) gpus.push({ name, memMb });
  }
  return gpus;
}

/**
 * No nvidia-smi, a driver that does not answer, or a hung query all mean the
 * same to a placement decision: no usable GPU here.
 */
function probeGpus(command: string, timeoutMs: number): Promise<GpuInfo[]> {
  return new Promise((resolve) => {
    execFile(command, NVIDIA_SMI_ARGS, { cwd: tmpdir(), timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => {
      resolve(err ? [] : parseNvidiaSmi(stdout));
    });
  });
}

export async function probeLocalHardware(
  opts: { nvidiaSmi?: string; timeoutMs?: number } = {},
): Promise<LocalHardware> {
  const gpus = await probeGpus(opts.nvidiaSmi ?? 'nvidia-smi', opts.timeoutMs ?? 10_000);
  return {
    cpus: availableParallelism(),
    memMb: Math.floor(totalmem() / (1024 * 1024)),
    gpus,
  };
}
