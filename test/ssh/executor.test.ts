/**
 * The SSH executor against real sshd on 127.0.0.1, called directly: handoff
 * of the launch commit (with an approved patch) into the worker's attempt
 * directory, idempotent launch by key, one ssh call per host for a poll of
 * many runs, log bytes mirrored by offset, stop by process group and
 * descendants, and a stale multiplexing socket that must not hang a call.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerConfig } from '../../src/config/config.js';
import { SshExecutor } from '../../src/executors/ssh/executor.js';
import { SshStateStore } from '../../src/executors/ssh/state.js';
import { SshTransport } from '../../src/executors/ssh/transport.js';
import type { JobSpec } from '../../src/executors/types.js';
import { shellQuoteArgv } from '../../src/core/shell-quote.js';
import { REPO_ROOT } from '../support/ledger.js';
import { sshdAvailable, sshdRequired, TestSshWorld } from '../support/sshd.js';

const enabled = sshdAvailable() || sshdRequired;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.runIf(enabled)('SSH executor on real sshd', () => {
  let world: TestSshWorld;
  let repo: string;
  let sha: string;
  let exec: SshExecutor;
  const config = () =>
    ({
      hosts: {
        gpu: { ssh: 'rl-gpu', workdir: world.host('rl-gpu').workdir, gpus: 1 },
        cpu: { ssh: 'rl-cpu', workdir: world.host('rl-cpu').workdir },
      },
    }) as unknown as LedgerConfig;

  beforeAll(async () => {
    world = await TestSshWorld.create([
      { alias: 'rl-gpu', gpus: [{ name: 'NVIDIA Test-GPU (fake)', memMb: 16384 }] },
      { alias: 'rl-cpu' },
    ]);
    repo = mkdtempSync(join(tmpdir(), 'rl-ssh-repo-'));
    const g = (...a: string[]) => execFileSync('git', a, { cwd: repo, encoding: 'utf8' });
    g('init', '-q', '-b', 'main');
    g('config', 'user.email', 't@runlog.invalid');
    g('config', 'user.name', 't');
    copyFileSync(join(REPO_ROOT, 'examples', 'train.mjs'), join(repo, 'train.mjs'));
    writeFileSync(join(repo, 'note.txt'), 'committed\n');
    g('add', '.');
    g('commit', '-q', '-m', 'code');
    sha = g('rev-parse', 'HEAD').trim();
    process.env['RUNLOG_SSH_CONFIG'] = world.configPath;
    process.env['RUNLOG_SSH_CONTROL_DIR'] = world.controlDir;
    exec = new SshExecutor({ config: config(), store: SshStateStore.forLedger(repo) });
  }, 120_000);
  afterAll(async () => {
    await world?.tearDown();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  const spec = (runId: string, argv: string[], host = 'cpu', extra: Partial<JobSpec> = {}): JobSpec => ({
    runId,
    attempt: 1,
    idempotencyKey: `${runId}#1`,
    argv,
    cwd: repo,
    outputDir: join(repo, '.runlog', 'outputs', runId, 'attempt-1'),
    env: { RUNLOG_RUN_ID: runId, RUNLOG_ATTEMPT: '1' },
    resources: {},
    host,
    source: { gitTop: repo, sha },
    ...extra,
  });

  it('hands off the launch commit plus the approved patch, runs it detached and mirrors its log', async () => {
    const patch = join(repo, 'dirty.patch');
    writeFileSync(join(repo, 'note.txt'), 'patched\n');
    writeFileSync(patch, execFileSync('git', ['diff', '--binary', 'HEAD'], { cwd: repo, encoding: 'utf8' }));
    execFileSync('git', ['checkout', 'note.txt'], { cwd: repo });
    const s = spec('handoff', ['sh', '-c', 'cat note.txt; node train.mjs --steps 5 --sleep-ms 20'], 'cpu', {
      source: { gitTop: repo, sha, patchPath: patch },
    });
    const handle = await exec.submit(s);
    expect(handle.jobId).toMatch(/^cpu:\d+$/);
    const dir = handle.extra!['workdir']!;
    expect(dir).toBe(join(world.host('rl-cpu').workdir, 'handoff', 'attempt-1'));
    const obs = await until('completion', async () => {
      const o = (await exec.poll([handle])).jobs.get(handle.jobId);
      return o?.phase === 'completed' ? o : undefined;
    });
    expect(obs.exitCode).toBe(0);
    const log = readFileSync(handle.outputPath, 'utf8');
    expect(log).toContain('patched');
    expect(log).toMatch(/step=5 /);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toBe(log);
    expect(readFileSync(join(dir, 'exit_code'), 'utf8').trim()).toBe('0');
    // Launching the same key again adopts the job: no second run.
    const again = await exec.submit(s);
    expect(again.jobId).toBe(handle.jobId);
    expect(readFileSync(join(dir, 'output.log'), 'utf8')).toBe(log);
  });

  it('preflight probes the worker: GPUs, memory, a writable workdir, reachability, the script in the tree', async () => {
    expect(await exec.preflight(spec('pf-ok', ['node', 'train.mjs'], 'gpu', { resources: { gpus: 1 } }))).toEqual([]);
    expect(await exec.preflight(spec('pf-gpus', ['node', 'train.mjs'], 'gpu', { resources: { gpus: 2 } }))).toEqual([
      'requested 2 GPUs; gpu has 1 (nvidia-smi), 1 declared',
    ]);
    // The "worker" is this machine: its memory is what the probe must have read.
    const memMb = Math.floor(Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))![1]) / 1024);
    expect(
      await exec.preflight(spec('pf-cpu', ['node', 'train.mjs'], 'cpu', { resources: { gpus: 1, memMb: 1 << 30 } })),
    ).toEqual([
      `requested ${1 << 30} MiB of memory; cpu has ${memMb} MiB`,
      'requested 1 GPUs; cpu has none (no nvidia-smi)',
    ]);
    const odd = new SshExecutor({
      config: {
        hosts: { ro: { ssh: 'rl-cpu', workdir: '/proc/runlog-test' }, gone: { ssh: 'rl-nowhere' } },
      } as unknown as LedgerConfig,
      store: SshStateStore.forLedger(repo),
    });
    expect((await odd.preflight(spec('pf-ro', ['true'], 'ro')))[0]).toMatch(
      /^workdir \/proc\/runlog-test on ro cannot be created or written/,
    );
    expect((await odd.preflight(spec('pf-gone', ['true'], 'gone')))[0]).toMatch(
      /^host gone is not reachable: ssh rl-nowhere: exit 255/,
    );
    const outside = spec('pf-outside', ['node', '../elsewhere/train.mjs'], 'cpu', {
      source: { gitTop: repo, sha, script: '../elsewhere/train.mjs' },
    });
    expect(await exec.preflight(outside)).toEqual([
      `script ../elsewhere/train.mjs is outside the repository ${repo}, so it is not in the tree handed off to cpu`,
    ]);
  });

  it('a launch cut off before its answer is adopted by key without a tree, and refused when it never started', async () => {
    const store = SshStateStore.forLedger(repo);
    const s = spec('cut-off', ['node', 'train.mjs', '--steps', '1000', '--sleep-ms', '50']);
    const first = await exec.submit(s);
    // As if the answer never arrived: this machine knows the intent, not the pid.
    const {
      pid: _pid,
      pidStart: _start,
      bootId: _boot,
      dir: _dir,
      startedEpoch: _started,
      ...intent
    } = store.attempt(s.idempotencyKey)!;
    store.saveAttempt(intent);
    const adopted = await new SshExecutor({ config: config(), store }).submit({ ...s, source: undefined });
    expect(adopted.jobId).toBe(first.jobId);
    await exec.cancel(adopted, { graceMs: 1000 });

    const never = spec('never-started', ['node', 'train.mjs']);
    store.saveAttempt({
      ...intent,
      key: never.idempotencyKey,
      runId: never.runId,
      mirror: join(never.outputDir, 'output.log'),
    });
    await expect(exec.submit({ ...never, source: undefined })).rejects.toMatchObject({ code: 'SSH_LAUNCH_REFUSED' });
    await expect(exec.submit({ ...spec('no-source', ['true']), source: undefined })).rejects.toMatchObject({
      code: 'SSH_NO_SOURCE',
    });
  });

  it('polls four runs on one host with one ssh call', async () => {
    const handles = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        exec.submit(spec(`four-${i}`, ['node', 'train.mjs', '--steps', '200', '--sleep-ms', '50'])),
      ),
    );
    const before = exec.transport.invocations;
    const r = await exec.poll(handles);
    expect(exec.transport.invocations - before).toBe(1);
    expect(r.calls).toBe(1);
    expect([...r.jobs.values()].map((o) => o.phase)).toEqual(['running', 'running', 'running', 'running']);
    const stopped = await exec.cancel(handles[0]!, { graceMs: 2000 });
    expect(stopped.phase).toBe('canceled');
    for (const h of handles.slice(1)) await exec.cancel(h, { graceMs: 2000 });
  });

  it('a job that turns its log into a FIFO cannot hang a poll; its other runs still report', async () => {
    const fifo = await exec.submit(
      spec('fifo', [
        'sh',
        '-c',
        'rm -f "$RUNLOG_ATTEMPT_DIR/output.log"; mkfifo "$RUNLOG_ATTEMPT_DIR/output.log"; sleep 300',
      ]),
    );
    const plain = await exec.submit(
      spec('plain', ['sh', '-c', 'printf "step=1 loss=2\\n\\000\\377 binary\\n"; sleep 300']),
    );
    await until('the FIFO', async () =>
      existsSync(join(fifo.extra!['workdir']!, 'output.log')) &&
      !statSync(join(fifo.extra!['workdir']!, 'output.log')).isFile()
        ? true
        : undefined,
    );
    const started = Date.now();
    const r = await until('the plain log', async () => {
      const out = await exec.poll([fifo, plain]);
      return readFileSync(plain.outputPath).includes(Buffer.from([0, 0xff])) ? out : undefined;
    });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(r.jobs.get(fifo.jobId)!.phase).toBe('running');
    expect(r.jobs.get(plain.jobId)!.phase).toBe('running');
    for (const h of [fifo, plain]) await exec.cancel(h, { graceMs: 1000 });
  });

  it('reports a job killed on the worker as killed', async () => {
    const handle = await exec.submit(spec('killed', ['node', 'train.mjs', '--steps', '1000', '--sleep-ms', '50']));
    const pid = Number(handle.extra!['pid']);
    process.kill(-pid, 'SIGKILL');
    const obs = await until('killed', async () => {
      const o = (await exec.poll([handle])).jobs.get(handle.jobId);
      return o?.phase === 'failed' ? o : undefined;
    });
    expect(obs.reason).toBe('killed');
    expect(obs.evidence).toMatch(/^killed: pid \d+ is gone/);
  });

  it('stops descendants that left the process group', async () => {
    const handle = await exec.submit(spec('escape', ['sh', '-c', 'setsid sleep 300 & echo child=$!; sleep 300']));
    const child = await until('the escaped child', async () => {
      await exec.poll([handle]);
      const m = /child=(\d+)/.exec(existsSync(handle.outputPath) ? readFileSync(handle.outputPath, 'utf8') : '');
      return m ? Number(m[1]) : undefined;
    });
    const obs = await exec.cancel(handle, { graceMs: 1000 });
    expect(obs.phase).toBe('canceled');
    expect(existsSync(`/proc/${child}`) && !/State:\s+Z/.test(readFileSync(`/proc/${child}/status`, 'utf8'))).toBe(
      false,
    );
  });

  it('quotes every word it sends to the remote shell', async () => {
    const t = new SshTransport({
      configFile: world.configPath,
      controlDir: world.controlDir,
      controlPersistSec: 10,
      connectTimeoutSec: 5,
      callTimeoutMs: 20_000,
    });
    const hostile = [
      "it's",
      '$(touch /tmp/pwned-runlog)',
      '`id`',
      'a b\tc',
      'new\nline',
      '*',
      '--',
      ';',
      '"',
      '\\',
      '',
    ];
    const r = await t.run({ destination: 'rl-cpu', command: shellQuoteArgv(['printf', '%s\\0', ...hostile]) });
    expect(r.code).toBe(0);
    expect(r.stdout.toString('utf8').split('\0').slice(0, -1)).toEqual(hostile);
    expect(existsSync('/tmp/pwned-runlog')).toBe(false);
  });

  it('falls back to a direct connection when the multiplexing socket hangs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rl-cm-'));
    const t = new SshTransport({
      configFile: world.configPath,
      controlDir: dir,
      controlPersistSec: 10,
      connectTimeoutSec: 5,
      callTimeoutMs: 5_000,
    });
    const path = execFileSync('ssh', ['-F', world.configPath, '-o', `ControlPath=${dir}/%C`, '-G', 'rl-cpu'], {
      encoding: 'utf8',
    }).match(/^controlpath (.+)$/m)![1]!;
    // A "master" that accepts the mux connection and never answers.
    const server: Server = createServer(() => undefined);
    await new Promise<void>((res) => server.listen(path, res));
    try {
      const r = await t.run({ destination: 'rl-cpu', command: 'echo direct' });
      expect(r.stdout.toString('utf8')).toBe('direct\n');
      expect(r.invocations).toBeGreaterThanOrEqual(2);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
