/**
 * The test servers themselves: two sshd on 127.0.0.1 answer through the
 * client config alone, the GPU host's sessions see its nvidia-smi, and a host
 * stopped mid-test refuses connections until it is started again.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdAvailable, sshdRequired, TestSshWorld } from '../support/sshd.js';

function ssh(world: TestSshWorld, alias: string, command: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((res) => {
    execFile(
      'ssh',
      ['-F', world.configPath, '-o', 'BatchMode=yes', alias, command],
      { timeout: 20_000, encoding: 'utf8' },
      (err, out, errOut) =>
        res({
          code: err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0,
          out,
          err: errOut,
        }),
    );
  });
}

const enabled = sshdAvailable() || sshdRequired;

describe.runIf(enabled)('test sshd harness', () => {
  let world: TestSshWorld;
  beforeAll(async () => {
    world = await TestSshWorld.create([
      { alias: 'rl-gpu', gpus: [{ name: 'NVIDIA Test-GPU (fake)', memMb: 16384 }] },
      { alias: 'rl-cpu' },
    ]);
  });
  afterAll(async () => world?.tearDown());

  it('answers on both hosts by alias; only the GPU host has nvidia-smi', async () => {
    const gpu = await ssh(
      world,
      'rl-gpu',
      'echo "$RUNLOG_TEST_HOST"; nvidia-smi --query-gpu=name,memory.total --format=csv,noheader',
    );
    expect(gpu).toMatchObject({ code: 0 });
    expect(gpu.out).toBe('rl-gpu\nNVIDIA Test-GPU (fake), 16384 MiB\n');
    const cpu = await ssh(world, 'rl-cpu', 'echo "$RUNLOG_TEST_HOST"; command -v nvidia-smi || echo none');
    expect(cpu.out).toBe('rl-cpu\nnone\n');
  });

  it('refuses any name the client config does not define', async () => {
    const r = await ssh(world, 'example.invalid', 'true');
    expect(r.code).toBe(255);
  });

  it('stops a host and starts it again on the same port', async () => {
    const host = world.host('rl-cpu');
    await host.stop();
    expect((await ssh(world, 'rl-cpu', 'true')).code).toBe(255);
    await host.start();
    expect(await ssh(world, 'rl-cpu', 'echo back')).toMatchObject({ code: 0, out: 'back\n' });
  });
});
