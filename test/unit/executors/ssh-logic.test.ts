/**
 * The SSH executor's pure parts: placement across host profiles, the
 * framing of the poll stream, and a run's phase from a poll report.
 */
import { describe, expect, it } from 'vitest';
import type { HostProfile } from '../../../src/config/hosts.js';
import { observeRun } from '../../../src/executors/ssh/observe.js';
import { placeRun } from '../../../src/executors/ssh/placement.js';
import { parsePollOutput, signalOfStatus } from '../../../src/executors/ssh/protocol.js';
import type { SshAttemptRecord } from '../../../src/executors/ssh/state.js';

const host = (name: string, p: Partial<HostProfile> = {}): HostProfile => ({
  name,
  destination: `${name}.lab`,
  workdir: '~/.runlog',
  tags: [],
  ...p,
});
const POOL = [
  host('big', { gpus: 8, gpuClass: 'h100', memMb: 1024 * 1024, tags: ['cuda12'] }),
  host('small', { gpus: 1, gpuClass: 'a10', memMb: 64 * 1024, tags: ['cuda12'] }),
  host('cpu', { gpus: 0, memMb: 32 * 1024 }),
];
const req = (r: Partial<Parameters<typeof placeRun>[1]> = {}) => ({ tags: [], scarceGpus: 1, ...r });

describe('placement across host profiles', () => {
  it('picks the tightest GPU fit and says why the others were not chosen', () => {
    const out = placeRun(POOL, req({ gpus: 1, tags: ['cuda12'] }));
    expect(out.host?.name).toBe('small');
    expect(out.record).toMatch(/^placed on small \(1 GPU \(a10\)/);
    expect(out.record).toContain('not big: fits, but small is the tighter fit');
    expect(out.record).toContain('not cpu: 0 GPUs < 1 requested; lacks tag cuda12');
  });

  it('keeps scarce GPUs from a run that asks for none, unless the policy is overridden', () => {
    expect(placeRun(POOL, req()).host?.name).toBe('cpu');
    const onlyGpu = placeRun(POOL, req({ memMb: 100 * 1024 }));
    expect(onlyGpu.host).toBeUndefined();
    expect(onlyGpu.record).toMatch(/only hosts with scarce GPUs fit: pass --override-policy/);
    const overridden = placeRun(POOL, req({ memMb: 100 * 1024, overridePolicy: 'deadline tonight' }));
    expect(overridden.host?.name).toBe('big');
    expect(overridden.record).toContain('policy overridden (deadline tonight)');
  });

  it('says no host fits when none does, naming each host’s reason', () => {
    const out = placeRun(POOL, req({ gpus: 16 }));
    expect(out.host).toBeUndefined();
    expect(out.record).toBe(
      'no host fits (16 GPUs): big: 8 GPUs < 16 requested; small: 1 GPUs < 16 requested; cpu: 0 GPUs < 16 requested',
    );
    expect(placeRun([], req()).record).toMatch(/no hosts: profiles/);
  });
});

describe('poll stream framing', () => {
  it('reads chunks by length, whatever bytes they hold', () => {
    const evil = Buffer.from('line\n@end\n@run 9\nchunk=0 999\n\u0000\xff', 'latin1');
    const out = Buffer.concat([
      Buffer.from('now=100\nboot_id=b1\n@run 0\npid=42\nchunk=7 '),
      Buffer.from(`${evil.length}\n`),
      evil,
      Buffer.from('\n@run 1\nmissing=1\n@end\n'),
    ]);
    const r = parsePollOutput(out);
    expect(r).toMatchObject({ now: 100, bootId: 'b1', complete: true });
    expect(r.runs).toHaveLength(2);
    expect(r.runs[0]!.fields['pid']).toBe('42');
    expect(r.runs[0]!.chunk!.offset).toBe(7);
    expect(Buffer.compare(r.runs[0]!.chunk!.bytes, evil)).toBe(0);
    expect(r.runs[1]!.fields['missing']).toBe('1');
  });

  it('a stream cut short is not complete', () => {
    expect(parsePollOutput(Buffer.from('now=1\n@run 0\nchunk=0 50\nshort')).complete).toBe(false);
  });

  it('maps shell statuses above 128 to signals', () => {
    expect(signalOfStatus(137)).toBe('SIGKILL');
    expect(signalOfStatus(143)).toBe('SIGTERM');
    expect(signalOfStatus(1)).toBeUndefined();
  });
});

describe('a run’s phase from the worker’s files', () => {
  const rec: SshAttemptRecord = {
    schema: 1,
    key: 'r#1',
    launchId: 'L',
    runId: 'r',
    attempt: 1,
    host: 'cpu',
    destination: 'cpu.lab',
    workdir: '~/.runlog',
    submittedAt: '',
    mirror: '/x',
    dir: '/w/r/attempt-1',
    pid: 42,
    pidStart: '1000',
    bootId: 'b1',
  };
  const ctx = { bootId: 'b1', clockOffsetMs: 5_000 };
  const obs = (fields: Record<string, string>, c = ctx) =>
    observeRun('cpu:42', rec, { fields: { key: 'r#1 L', pid: '42', ...fields } }, c);

  it('running while the recorded process lives, with worker times moved onto our clock', () => {
    const o = obs({ cur_state: 'S', cur_start: '1000', started: '100' });
    expect(o.phase).toBe('running');
    expect(o.startedAt).toBe(new Date(105_000).toISOString());
  });
  it('the exit code file is the command’s own ending', () => {
    expect(obs({ exit_code: '0' }).phase).toBe('completed');
    expect(obs({ exit_code: '1' })).toMatchObject({ phase: 'failed', exitCode: 1 });
    expect(obs({ exit_code: '143', stop: '1' }).phase).toBe('canceled');
  });
  it('a reused pid or a gone process without an exit code is a killed job', () => {
    expect(obs({ cur_state: 'S', cur_start: '2000' })).toMatchObject({ phase: 'failed', reason: 'killed' });
    expect(obs({ cur_state: 'none' }).evidence).toMatch(/^killed: pid 42 is gone/);
    expect(obs({ cur_state: 'Z', group: '1' }).phase).toBe('running');
  });
  it('a new boot id means the job died with the host', () => {
    expect(obs({ cur_state: 'none' }, { bootId: 'b2', clockOffsetMs: 0 }).phase).toBe('node_failure');
  });
  it('another attempt in the directory, or a pid this machine did not launch, is unknown', () => {
    expect(obs({ key: 'r#1 OTHER' }).phase).toBe('unknown');
    expect(obs({ pid: '1' }).phase).toBe('unknown');
    expect(obs({ pid: '77', cur_state: 'S' }).phase).toBe('unknown');
  });
});

describe('ssh destinations from profiles and flags', () => {
  it('refuses one that ssh would read as an option, or that holds control characters', async () => {
    const { checkDestination } = await import('../../../src/executors/ssh/transport.js');
    expect(checkDestination('gpu-box.lab', '--host')).toBe('gpu-box.lab');
    expect(checkDestination('ssh://me@gpu:2222', '--host')).toBe('ssh://me@gpu:2222');
    expect(() => checkDestination('-oProxyCommand=touch /tmp/x', 'hosts.evil.ssh')).toThrow(/not an ssh destination/);
    expect(() => checkDestination('host\nother', '--host')).toThrow(/not an ssh destination/);
  });
});
