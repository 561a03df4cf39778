import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNvidiaSmi, probeLocalHardware } from '../../../src/executors/hardware.js';
import { LocalExecutor, resolveExecutable } from '../../../src/executors/local/index.js';
import { LocalState } from '../../../src/executors/state.js';
import type { JobSpec } from '../../../src/executors/types.js';

let dir: string;
let executor: LocalExecutor;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlog-preflight-'));
  executor = new LocalExecutor({ state: new LocalState(join(dir, 'state')) });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function spec(overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    runId: 'test/preflight',
    attempt: 1,
    idempotencyKey: 'test/preflight#1',
    argv: [process.execPath, '-e', ''],
    cwd: dir,
    outputDir: join(dir, 'out', 'attempt-1'),
    env: {},
    resources: {},
    ...overrides,
  };
}

async function writeScript(path: string, body: string, mode = 0o755): Promise<string> {
  await writeFile(path, body);
  await chmod(path, mode);
  return path;
}

describe('LocalExecutor.preflight', () => {
  it('accepts a runnable request', async () => {
    expect(await executor.preflight(spec({ resources: { cpus: 1, memMb: 64 } }))).toEqual([]);
  });

  it('rejects more CPUs, memory or GPUs than this machine has', async () => {
    const hw = await probeLocalHardware();
    const reasons = await executor.preflight(
      spec({ resources: { cpus: 9999, memMb: 1024 * 1024 * 1024, gpus: hw.gpus.length + 1 } }),
    );
    expect(reasons).toHaveLength(3);
    expect(reasons[0]).toContain(`requested 9999 CPUs; this machine has ${availableParallelism()}`);
    expect(reasons[1]).toContain('MiB of memory');
    expect(reasons[2]).toContain(`requested ${hw.gpus.length + 1} GPUs`);
  });

  it('rejects a command that is not on PATH', async () => {
    const reasons = await executor.preflight(spec({ argv: ['runlog-no-such-command-here'] }));
    expect(reasons).toEqual(['runlog-no-such-command-here was not found on PATH or is not executable']);
  });

  it('resolves a relative command against the cwd, and rejects one that is not executable', async () => {
    await writeScript(join(dir, 'train.sh'), '#!/bin/sh\nexit 0\n');
    await writeScript(join(dir, 'notes.sh'), '#!/bin/sh\nexit 0\n', 0o644);
    expect(await executor.preflight(spec({ argv: ['./train.sh'] }))).toEqual([]);
    expect(await executor.preflight(spec({ argv: ['./notes.sh'] }))).toEqual([
      `./notes.sh is not an executable file (resolved from ${dir})`,
    ]);
    expect(await executor.preflight(spec({ argv: ['./gone.sh'] }))).toHaveLength(1);
  });

  it('finds a command on the PATH given in the spec env', async () => {
    const bin = join(dir, 'bin');
    await mkdir(bin);
    await writeScript(join(bin, 'my-trainer'), '#!/bin/sh\nexit 0\n');
    expect(await executor.preflight(spec({ argv: ['my-trainer'], env: { PATH: bin } }))).toEqual([]);
    expect(resolveExecutable('my-trainer', dir, bin)).toBe(join(bin, 'my-trainer'));
    expect(resolveExecutable('my-trainer', dir, '/usr/bin')).toBeUndefined();
  });

  it('rejects a missing working directory', async () => {
    const reasons = await executor.preflight(spec({ cwd: join(dir, 'nowhere') }));
    expect(reasons).toEqual([`working directory ${join(dir, 'nowhere')} does not exist or is not a directory`]);
  });

  it('rejects an output directory that cannot be created or is relative', async () => {
    await writeFile(join(dir, 'a-file'), '');
    const under = await executor.preflight(spec({ outputDir: join(dir, 'a-file', 'out') }));
    expect(under).toEqual([
      `output directory ${join(dir, 'a-file', 'out')} cannot be created: ${join(dir, 'a-file')} is not a directory`,
    ]);
    expect(await executor.preflight(spec({ outputDir: 'relative/out' }))).toEqual([
      'output directory relative/out is not absolute; pin it to an absolute path',
    ]);
  });

  it('rejects an output directory that already holds another attempt', async () => {
    const first = spec({ argv: [process.execPath, '-e', ''] });
    const handle = await executor.submit(first);
    const reasons = await executor.preflight({ ...first, idempotencyKey: 'test/preflight#2', attempt: 2 });
    expect(reasons).toEqual([
      `output directory ${first.outputDir} already holds files that are not attempt test/preflight#2's (output.log); give this attempt its own output directory`,
    ]);
    // The same attempt is fine: submit would adopt it.
    expect(await executor.preflight(first)).toEqual([]);
    await executor.cancel(handle, { graceMs: 1_000 });
  });
});

describe('probeLocalHardware', () => {
  it('reports this machine and no GPU when nvidia-smi is absent', async () => {
    const hw = await probeLocalHardware({ nvidiaSmi: join(dir, 'no-nvidia-smi') });
    expect(hw.cpus).toBe(availableParallelism());
    expect(hw.memMb).toBe(Math.floor(totalmem() / 1024 / 1024));
    expect(hw.gpus).toEqual([]);
  });

  it('reads GPUs from nvidia-smi', async () => {
    const fake = await writeScript(
      join(dir, 'nvidia-smi'),
      '#!/bin/sh\necho "NVIDIA A100-SXM4-40GB, 40960 MiB"\necho "NVIDIA H100 80GB HBM3, 81559 MiB"\n',
    );
    const hw = await probeLocalHardware({ nvidiaSmi: fake });
    expect(hw.gpus).toEqual([
      { name: 'NVIDIA A100-SXM4-40GB', memMb: 40960 },
      { name: 'NVIDIA H100 80GB HBM3', memMb: 81559 },
    ]);
  });

  it('gives up on a hung nvidia-smi after its timeout', async () => {
    const hung = await writeScript(join(dir, 'nvidia-smi'), '#!/bin/sh\nexec sleep 30\n');
    const t0 = Date.now();
    const hw = await probeLocalHardware({ nvidiaSmi: hung, timeoutMs: 300 });
    expect(hw.gpus).toEqual([]);
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('parses names that contain commas and skips blank or malformed lines', () => {
    expect(parseNvidiaSmi('Tesla V100, PCIe, 16384 MiB\n\nnot a gpu line\n')).toEqual([
      { name: 'Tesla V100, PCIe', memMb: 16384 },
    ]);
  });
});
