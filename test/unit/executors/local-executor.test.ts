import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../../src/executors/local/index.js';
import { LocalState } from '../../../src/executors/state.js';
import type { JobHandle, JobObservation, JobSpec } from '../../../src/executors/types.js';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../../..');

let dir: string;
let state: LocalState;
let executor: LocalExecutor;
const started: JobHandle[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlog-local-'));
  state = new LocalState(join(dir, 'state'));
  executor = new LocalExecutor({ state });
});

/** Where the executor keeps an attempt's job files: this machine's local state, not the output directory. */
const jobDir = (s: JobSpec) => state.attemptDir(s.idempotencyKey);

afterEach(async () => {
  // Leave no process behind, whatever a failed assertion skipped.
  for (const handle of started.splice(0)) {
    const pgid = Number(handle.extra?.pgid);
    for (const target of [-pgid, Number(handle.extra?.pid)]) {
      try {
        if (Number.isFinite(target) && target !== 0) process.kill(target, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function spec(name: string, argv: string[], overrides: Partial<JobSpec> = {}): JobSpec {
  return {
    runId: `test/${name}`,
    attempt: 1,
    idempotencyKey: `test/${name}#1`,
    argv,
    cwd: dir,
    outputDir: join(dir, 'out', name),
    env: {},
    resources: {},
    ...overrides,
  };
}

const node = (script: string) => [process.execPath, '-e', script];

async function submit(s: JobSpec): Promise<JobHandle> {
  const handle = await executor.submit(s);
  started.push(handle);
  return handle;
}

async function waitFor<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await delay(20);
  }
}

async function observe(handle: JobHandle): Promise<JobObservation> {
  const result = await executor.poll([handle]);
  const observation = result.jobs.get(handle.jobId);
  if (observation === undefined) throw new Error(`poll did not report ${handle.jobId}`);
  return observation;
}

const waitForPhase = (handle: JobHandle, accept: (o: JobObservation) => boolean) =>
  waitFor(`job ${handle.jobId} to change phase`, async () => {
    const o = await observe(handle);
    return accept(o) ? o : undefined;
  });
const waitForEnd = (handle: JobHandle) => waitForPhase(handle, (o) => o.phase !== 'running' && o.phase !== 'queued');

function isGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

describe('LocalExecutor', () => {
  it('runs a command to completion and records its output, pid and exit', async () => {
    const s = spec('ok', node("console.log('hello from the job'); console.error('and stderr')"));
    const handle = await submit(s);

    expect(handle.executor).toBe('local');
    expect(handle.jobId).toBe(`${hostname()}:${handle.extra?.pid}`);
    expect(handle.outputPath).toBe(join(s.outputDir, 'output.log'));
    expect(handle.extra?.key).toBe(s.idempotencyKey);
    expect(Number(handle.extra?.pgid)).toBeGreaterThan(0);

    const end = await waitForEnd(handle);
    expect(end.phase).toBe('completed');
    expect(end.exitCode).toBe(0);
    expect(end.evidence).toContain('exit code 0');
    expect(end.endedAt).toBeDefined();

    const log = await readFile(handle.outputPath, 'utf8');
    expect(log).toContain('hello from the job');
    expect(log).toContain('and stderr');
    const job = JSON.parse(await readFile(join(jobDir(s), 'job.json'), 'utf8'));
    expect(job).toMatchObject({
      idempotencyKey: s.idempotencyKey,
      argv: s.argv,
      host: hostname(),
      pid: Number(handle.extra?.pid),
    });
    expect(job.pgid).toBe(Number(handle.extra?.pgid));
    expect(job.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    const exit = JSON.parse(await readFile(join(jobDir(s), 'exit.json'), 'utf8'));
    expect(existsSync(join(s.outputDir, 'job.json'))).toBe(false);
    expect(exit).toMatchObject({ exitCode: 0, signal: null });
  });

  it('records a non-zero exit as failed with its code', async () => {
    const handle = await submit(spec('fails', node('process.exit(3)')));
    const end = await waitForEnd(handle);
    expect(end.phase).toBe('failed');
    expect(end.exitCode).toBe(3);
  });

  it('runs in the spec cwd with the spec env on top of the inherited one', async () => {
    const handle = await submit(
      spec('env', node('console.log(process.cwd(), process.env.RUNLOG_TEST_VAR, typeof process.env.PATH)'), {
        env: { RUNLOG_TEST_VAR: 'set-by-spec' },
      }),
    );
    expect((await waitForEnd(handle)).phase).toBe('completed');
    expect(await readFile(handle.outputPath, 'utf8')).toContain(`${dir} set-by-spec string`);
  });

  it('reports a command that cannot start as failed with 127', async () => {
    const handle = await submit(spec('missing', [join(dir, 'no-such-command')]));
    const end = await waitForEnd(handle);
    expect(end.phase).toBe('failed');
    expect(end.exitCode).toBe(127);
    expect(end.evidence).toContain('ENOENT');
  });

  it('records the exit after the process that launched it has exited', async () => {
    const gate = join(dir, 'gate');
    const s = spec(
      'detached',
      node(
        `const fs = require('fs'); setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) process.exit(5); }, 20);`,
      ),
    );
    const launcher = join(dir, 'launch.ts');
    await writeFile(
      launcher,
      [
        `import { LocalExecutor } from ${JSON.stringify(join(repoRoot, 'src/executors/local/index.ts'))};`,
        `import { LocalState } from ${JSON.stringify(join(repoRoot, 'src/executors/state.ts'))};`,
        `const handle = await new LocalExecutor({ state: new LocalState(${JSON.stringify(state.dir)}) }).submit(${JSON.stringify(s)});`,
        'console.log(JSON.stringify(handle));',
      ].join('\n'),
    );
    const { stdout } = await execFileAsync(
      process.execPath,
      [join(repoRoot, 'node_modules/vite-node/vite-node.mjs'), launcher],
      {
        cwd: repoRoot,
        timeout: 60_000,
      },
    );
    const handle = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as JobHandle;
    started.push(handle);

    // The launcher has exited; the job lives on under its wrapper.
    expect((await observe(handle)).phase).toBe('running');
    await writeFile(gate, '');
    const end = await waitForEnd(handle);
    expect(end.phase).toBe('failed');
    expect(end.exitCode).toBe(5);
  });

  it('cancels a process that ignores SIGTERM by killing it after the grace period', async () => {
    const ready = join(dir, 'ready');
    const handle = await submit(
      spec(
        'stubborn',
        node(
          `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`,
        ),
      ),
    );
    await waitFor('the job to install its handler', () => (existsSync(ready) ? true : undefined));

    const t0 = Date.now();
    const end = await executor.cancel(handle, { graceMs: 300 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(300);
    expect(end.phase).toBe('canceled');
    expect(end.signal).toBe('SIGKILL');
    expect(await readFile(handle.outputPath, 'utf8')).toContain('ignoring SIGTERM');
    expect(existsSync(join(state.attemptDir(handle.extra?.key ?? ''), 'stop-requested'))).toBe(true);
    expect(isGone(Number(handle.extra?.pgid))).toBe(true);
    // A later poll agrees with what cancel returned.
    expect((await observe(handle)).phase).toBe('canceled');
  });

  it('cancels a well-behaved process with SIGTERM within the grace period', async () => {
    const ready = join(dir, 'ready');
    const handle = await submit(
      spec('polite', node(`require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`)),
    );
    await waitFor('the job to start', () => (existsSync(ready) ? true : undefined));
    const end = await executor.cancel(handle, { graceMs: 10_000 });
    expect(end.phase).toBe('canceled');
    expect(end.signal).toBe('SIGTERM');
  });

  it('kills the whole process group, grandchildren included', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    // The child exits on SIGTERM; its own child ignores SIGTERM and stays in the group.
    const grandchild = "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000);";
    const child = [
      "const { spawn } = require('child_process');",
      `const gc = spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'ignore' });`,
      `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(gc.pid));`,
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const handle = await submit(spec('group', node(child)));
    const grandchildPid = await waitFor('the grandchild pid', () =>
      existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined,
    );
    expect(isGone(grandchildPid)).toBe(false);

    const end = await executor.cancel(handle, { graceMs: 300 });
    expect(end.phase).toBe('canceled');
    expect(isGone(grandchildPid)).toBe(true);
  });

  it('returns the finished observation when canceling a job that already ended', async () => {
    const handle = await submit(spec('done', node('')));
    await waitForEnd(handle);
    const end = await executor.cancel(handle, { graceMs: 100 });
    expect(end.phase).toBe('completed');
    expect(existsSync(join(state.attemptDir(handle.extra?.key ?? ''), 'stop-requested'))).toBe(false);
  });

  it('forwards a SIGTERM sent to the wrapper and reports it as a failure, not a cancel', async () => {
    const ready = join(dir, 'ready');
    const handle = await submit(
      spec(
        'preempted',
        node(`require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`),
      ),
    );
    await waitFor('the job to start', () => (existsSync(ready) ? true : undefined));
    process.kill(Number(handle.extra?.pid), 'SIGTERM');
    const end = await waitForEnd(handle);
    expect(end.phase).toBe('failed');
    expect(end.signal).toBe('SIGTERM');
  });

  it('reports unknown when the wrapper is SIGKILLed, and says the command is orphaned', async () => {
    const ready = join(dir, 'ready');
    const handle = await submit(
      spec('lost', node(`require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`)),
    );
    await waitFor('the job to start', () => (existsSync(ready) ? true : undefined));
    process.kill(Number(handle.extra?.pid), 'SIGKILL');

    const lost = await waitForPhase(handle, (o) => o.phase !== 'running');
    expect(lost.phase).toBe('unknown');
    expect(lost.evidence).toContain('no exit.json');
    expect(lost.evidence).toContain('still runs without its wrapper');

    // cancel still reaches the orphaned command through its group.
    const end = await executor.cancel(handle, { graceMs: 2_000 });
    expect(end.phase).toBe('canceled');
    expect(isGone(Number(handle.extra?.pgid))).toBe(true);
  });

  it('treats a recorded pid now owned by another process as gone', async () => {
    const ready = join(dir, 'ready');
    const s = spec(
      'reused',
      node(`require('fs').writeFileSync(${JSON.stringify(ready)}, ''); setInterval(() => {}, 1000);`),
    );
    const handle = await submit(s);
    await waitFor('the job to start', () => (existsSync(ready) ? true : undefined));
    expect((await observe(handle)).phase).toBe('running');

    // What a reused pid looks like: the pid is alive but started at another time.
    const jobPath = join(jobDir(s), 'job.json');
    const job = JSON.parse(readFileSync(jobPath, 'utf8'));
    writeFileSync(jobPath, JSON.stringify({ ...job, pidStartTicks: '1', childStartTicks: '1' }));
    const seen = await observe(handle);
    expect(seen.phase).toBe('unknown');
    expect(seen.evidence).toContain('another process');
  });

  it('returns the existing job when the same attempt is submitted again', async () => {
    const counter = join(dir, 'starts');
    const s = spec(
      'twice',
      node(`require('fs').appendFileSync(${JSON.stringify(counter)}, 'x'); setTimeout(() => {}, 300);`),
    );
    const [a, b] = await Promise.all([submit(s), new LocalExecutor({ state }).submit(s)]);
    const c = await submit(s);
    expect(b.jobId).toBe(a.jobId);
    expect(c.jobId).toBe(a.jobId);
    expect((await waitForEnd(a)).phase).toBe('completed');
    expect(await readFile(counter, 'utf8')).toBe('x');
  });

  it('launches once when a submit that stopped after writing its intent is retried', async () => {
    const counter = join(dir, 'starts');
    const s = spec('interrupted', node(`require('fs').appendFileSync(${JSON.stringify(counter)}, 'x');`));
    // What a CLI killed between recording its intent and spawning leaves behind.
    await mkdir(s.outputDir, { recursive: true });
    await writeFile(
      join(jobDir(s), 'intent.json'),
      JSON.stringify({
        schema: 1,
        idempotencyKey: s.idempotencyKey,
        runId: s.runId,
        attempt: 1,
        argv: s.argv,
        cwd: s.cwd,
        submittedAt: new Date().toISOString(),
      }),
    );
    const handle = await submit(s);
    expect((await waitForEnd(handle)).phase).toBe('completed');
    expect((await submit(s)).jobId).toBe(handle.jobId);
    expect(await readFile(counter, 'utf8')).toBe('x');
  });

  it('refuses a different attempt in an output directory that holds a job', async () => {
    const s = spec('taken', node(''));
    await submit(s);
    await expect(executor.submit({ ...s, idempotencyKey: 'test/taken#2', attempt: 2 })).rejects.toMatchObject({
      code: 'LOCAL_OUTPUT_DIR_TAKEN',
    });
  });

  it('polls fifty jobs with one executor call', async () => {
    const handles = await Promise.all(
      Array.from({ length: 50 }, (_, i) => submit(spec(`many-${i}`, ['/bin/sh', '-c', `exit ${i % 2}`]))),
    );
    const result = await waitFor('all fifty jobs to end', async () => {
      const r = await executor.poll(handles);
      return [...r.jobs.values()].every((o) => o.phase !== 'running') ? r : undefined;
    });
    expect(result.calls).toBe(1);
    expect(result.jobs.size).toBe(50);
    for (const [i, h] of handles.entries())
      expect(result.jobs.get(h.jobId)?.phase).toBe(i % 2 === 0 ? 'completed' : 'failed');
  });

  it('reports unknown for a handle this machine did not launch (no local record), whatever its output directory holds', async () => {
    const handle: JobHandle = {
      executor: 'local',
      jobId: `${hostname()}:1`,
      outputPath: join(dir, 'nothing', 'output.log'),
      submittedAt: new Date().toISOString(),
    };
    const seen = await observe(handle);
    expect(seen.phase).toBe('unknown');
    expect(seen.evidence).toContain('not launched from this machine');
    // A forged handle naming a key this machine never launched is no better.
    const forged = await observe({ ...handle, extra: { key: 'test/never#1', pid: '1', pgid: '1' } });
    expect(forged.phase).toBe('unknown');
    const cancel = await executor.cancel(
      { ...handle, extra: { key: 'test/never#1', pid: '1', pgid: '1' } },
      { graceMs: 10 },
    );
    expect(cancel.phase).toBe('unknown');
  });
});
