/**
 * A teammate's clone (or whoever holds its token) pushes run logs and JSON
 * files that name commands, processes and files on the victim's machine.
 * The victim's ordinary commands must not run, signal or read any of them:
 * what a machine launched is known only from its own local state.
 *
 * One arena for the file: each case uses its own run ids and folders, and the
 * hostile runs of earlier cases stay in the ledger, so every later command
 * also runs next to them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileAt, git } from '../../support/ledger.js';
import {
  alive,
  arena,
  bootId,
  errorCode,
  expectCalm,
  hostileRunLog,
  hostname,
  localJobFields,
  sacrifice,
  startTicks,
  type Arena,
  type Hostile,
} from './support.js';

let a: Arena;
const victims: { stop(): void }[] = [];

beforeAll(async () => {
  a = await arena();
});

afterEach(() => {
  for (const v of victims.splice(0)) v.stop();
});

afterAll(() => a.cleanup());

/** The attacker catches up with what the victim pushed, then pushes `files`. */
async function push(files: Record<string, Hostile>): Promise<void> {
  await git(a.attacker, ['pull', '-q', '--rebase', 'origin', 'main']);
  await a.push(files);
}

/** A launch plan as runlog saves it, running `argv`. */
function plan(argv: string[], cwd: string): string {
  return JSON.stringify({
    schema: 1,
    executor: 'local',
    argv,
    cwd,
    resources: {},
    allowDirty: true,
    timeoutMs: 60_000,
    heartbeatMs: 60_000,
    retries: 0,
    stallAction: 'fail',
  });
}

/** A job record as the local wrapper writes it, describing the live process `pid` as its group leader. */
function jobRecord(id: string, pid: number, pgid: number): string {
  return JSON.stringify({
    schema: 1,
    idempotencyKey: `${id}#1`,
    runId: id,
    attempt: 1,
    argv: ['sleep', '600'],
    cwd: '/tmp',
    host: hostname(),
    bootId: bootId(),
    pid,
    pidStartTicks: startTicks(pid),
    claimedAt: '2026-03-22T10:00:00Z',
    pgid,
    childPid: pid,
    childStartTicks: startTicks(pid),
    startedAt: '2026-03-22T10:00:01Z',
  });
}

async function remoteLog(): Promise<string> {
  return git(a.l.remote, ['log', '-p', '--all']);
}

describe('a committed launch plan never runs', () => {
  it('poll and supervise do not adopt a validating run whose plan came through git', async () => {
    const id = '2026-03-22_adopt';
    const dir = join(a.victim, 'hostile', 'adopt', 'attempt-1');
    const sentinel = join(a.outside, 'adopted-and-ran');
    const job = localJobFields(id, dir);
    for (const k of ['execution_id', 'output_log', 'worker', 'start']) delete job[k];
    await push({
      [`run_logs/${id}.md`]: hostileRunLog({ id, state: 'validating', job }),
      'hostile/adopt/attempt-1/launch.json': plan(['touch', sentinel], a.victim),
    });

    expectCalm(await a.run(['sync']), 'sync');
    const poll = await a.run(['poll', '--json']);
    expectCalm(poll, 'poll');
    const sup = await a.run(['supervise', '--every', '0.1s', '--max-passes', '2', '--json']);
    expectCalm(sup, 'supervise');
    expectCalm(await a.run(['list']), 'list');

    expect(existsSync(sentinel), 'the committed plan ran').toBe(false);
    const shown = await a.run(['show', id, '--json']);
    expect((shown.json as { state: string }).state).toBe('validating');
  });

  it('a pending retry whose plan came through git is not launched when due', async () => {
    const id = '2026-03-22_due';
    const dir = join(a.victim, 'hostile', 'due', 'attempt-1');
    const sentinel = join(a.outside, 'due-and-ran');
    const job = localJobFields(id, dir, { scheduled_by: 'supervisor', not_before: '`2026-03-22T10:00:00Z`' });
    for (const k of ['execution_id', 'output_log', 'worker', 'start']) delete job[k];
    await push({
      [`run_logs/${id}.md`]: hostileRunLog({ id, state: 'pending', job }),
      'hostile/due/attempt-1/launch.json': plan(['touch', sentinel], a.victim),
    });

    expectCalm(await a.run(['sync']), 'sync');
    expectCalm(await a.run(['poll']), 'poll');
    expect(existsSync(sentinel), 'the committed plan ran').toBe(false);
  });

  it('retry without a command never takes it from the Job block or a committed plan, and asks for it', async () => {
    const id = '2026-03-22_retry';
    const dir = join(a.victim, 'hostile', 'retry', 'attempt-1');
    const fromBlock = join(a.outside, 'retried-from-block');
    const fromPlan = join(a.outside, 'retried-from-plan');
    await push({
      [`run_logs/${id}.md`]: hostileRunLog({
        id,
        state: 'command_failed',
        job: localJobFields(id, dir, {
          command: `\`${JSON.stringify(['touch', fromBlock])}\``,
          cwd: `\`${a.outside}\``,
        }),
      }),
      'hostile/retry/attempt-1/launch.json': plan(['touch', fromPlan], a.outside),
    });
    expectCalm(await a.run(['sync']), 'sync');
    const before = (await git(a.victim, ['rev-parse', 'HEAD'])).trim();

    const r = await a.run(['retry', id]);
    expectCalm(r, 'retry');
    expect(r.code).toBe(2);
    expect(errorCode(r)).toBe('RETRY_NEEDS_COMMAND');
    expect(r.stderr).toMatch(/hint: .*runlog retry .* -- /);
    expect(existsSync(fromBlock) || existsSync(fromPlan), 'a command from shared content ran').toBe(false);
    expect((await git(a.victim, ['rev-parse', 'HEAD'])).trim(), 'a refused retry changed the ledger').toBe(before);

    // The user's own command works, and runs where the user is, not in a directory the run log names.
    const ok = await a.run(['retry', id, '--json', '--', 'node', '-e', 'process.stdout.write(process.cwd())']);
    expectCalm(ok, 'retry -- <command>');
    expect(ok.code).toBe(0);
    const doc = await fileAt(a.l.remote, 'main', `run_logs/${id}.md`);
    const retryBlock = doc!.slice(doc!.indexOf('## Job (retry 1)'));
    expect(retryBlock).toMatch(/^## Job \(retry 1\)/);
    expect(retryBlock).toContain(`cwd: \`${a.victim}\``);
  });
});

describe('a committed job record is never signalled', () => {
  it('poll, stop and cancel leave a live process group named by shared content alone', async () => {
    const id = '2026-03-22_record';
    const victimProc = sacrifice(a);
    victims.push(victimProc);
    const dir = join(a.victim, 'hostile', 'record', 'attempt-1');
    await push({
      // A 1 s timeout that ran out long ago: a pass that believed the record would stop the job.
      [`run_logs/${id}.md`]: hostileRunLog({
        id,
        state: 'running',
        job: localJobFields(id, dir, {
          timeout: '1000 ms (1s)',
          executor_handle:
            '`' +
            JSON.stringify({ pid: String(victimProc.pid), idempotencyKey: `${id}#1`, pgid: String(victimProc.pid) }) +
            '`',
          pid: String(victimProc.pid),
        }),
      }),
      'hostile/record/attempt-1/job.json': jobRecord(id, victimProc.pid, victimProc.pid),
      'hostile/record/attempt-1/output.log': 'step 1 loss 0.5\n',
    });
    expectCalm(await a.run(['sync']), 'sync');

    expectCalm(await a.run(['poll']), 'poll');
    expectCalm(await a.run(['supervise', '--every', '0.1s', '--max-passes', '2']), 'supervise');
    const stop = await a.run(['stop', id, '--grace', '1s']);
    expectCalm(stop, 'stop');
    expect(stop.code).toBe(1);
    expect(errorCode(stop)).toBe('JOB_NOT_LOCAL');
    expect(stop.stderr).toMatch(/hint: /);
    const restart = await a.run(['restart', id, '--grace', '1s', '--', 'true']);
    expectCalm(restart, 'restart');
    expect(errorCode(restart)).toBe('JOB_NOT_LOCAL');

    expect(a.signals().filter((s) => Math.abs(s.target) === victimProc.pid)).toEqual([]);
    expect(alive(victimProc.pid)).toBe(true);

    // Cancel records the decision without touching any process, and says so.
    const cancel = await a.run(['cancel', id, '--reason', 'not ours']);
    expectCalm(cancel, 'cancel');
    expect(cancel.code).toBe(0);
    expect(cancel.stderr).toMatch(/warning: .*not launched (from|on) this/i);
    expect(a.signals().filter((s) => Math.abs(s.target) === victimProc.pid)).toEqual([]);
    expect(alive(victimProc.pid)).toBe(true);
    expectCalm(await a.run(['append', id, 'the next command works']), 'append');
  });

  it('a record naming process group 1 is never signalled (kill(-1) would hit every process)', async () => {
    const id = '2026-03-22_pgid1';
    const victimProc = sacrifice(a);
    victims.push(victimProc);
    const dir = join(a.victim, 'hostile', 'pgid1', 'attempt-1');
    await push({
      [`run_logs/${id}.md`]: hostileRunLog({
        id,
        state: 'running',
        job: localJobFields(id, dir, { timeout: '1000 ms (1s)', executor_handle: '`{"pid":"1","pgid":"1"}`' }),
      }),
      'hostile/pgid1/attempt-1/job.json': jobRecord(id, victimProc.pid, 1),
    });
    expectCalm(await a.run(['sync']), 'sync');
    expectCalm(await a.run(['poll']), 'poll');
    expectCalm(await a.run(['stop', id, '--grace', '1s']), 'stop');
    expectCalm(await a.run(['cancel', id, '--reason', 'x']), 'cancel');
    expect(a.signals().filter((s) => Math.abs(s.target) <= 1 || Math.abs(s.target) === victimProc.pid)).toEqual([]);
    expect(alive(victimProc.pid)).toBe(true);
  });

  it('an output_log that names a private file is never read into a commit', async () => {
    const id = '2026-03-22_leak';
    const dir = join(a.victim, 'hostile', 'leak', 'attempt-1');
    await push({
      [`run_logs/${id}.md`]: hostileRunLog({
        id,
        state: 'running',
        job: localJobFields(id, dir, { output_log: `\`${a.privateFile}\`` }),
      }),
      'hostile/leak/attempt-1/job.json': JSON.stringify({
        schema: 1,
        idempotencyKey: `${id}#1`,
        argv: ['x'],
        cwd: '/tmp',
        host: hostname(),
        pid: 999_999,
        claimedAt: '2026-03-22T10:00:00Z',
        pgid: 999_999,
      }),
      'hostile/leak/attempt-1/exit.json': JSON.stringify({
        exitCode: 1,
        signal: null,
        endedAt: '2026-03-22T11:00:00Z',
      }),
    });
    expectCalm(await a.run(['sync']), 'sync');
    expectCalm(await a.run(['poll']), 'poll');
    expectCalm(await a.run(['show', id]), 'show');
    expect(await remoteLog()).not.toContain('PRIVATE-8d1f0c2b');
    expect(await git(a.victim, ['log', '-p', '--all'])).not.toContain('PRIVATE-8d1f0c2b');
  });
});

describe('our own jobs still work next to hostile ones', () => {
  it('a job this clone launched is polled and stopped as before', async () => {
    expectCalm(
      await a.run(['new', 'own', '--type', 'experiment', '--objective', 'ours', '--date', '2026-03-22']),
      'new',
    );
    const sub = await a.run(['submit', '2026-03-22_own', '--allow-dirty', '--json', '--', 'sleep', '30']);
    expectCalm(sub, 'submit');
    expect(sub.code).toBe(0);
    const pid = Number((sub.json as { pid?: string }).pid);
    expect(pid).toBeGreaterThan(1);
    expectCalm(await a.run(['poll']), 'poll');
    const stop = await a.run(['stop', '2026-03-22_own', '--grace', '1s', '--json']);
    expectCalm(stop, 'stop');
    expect(stop.code).toBe(0);
    expect((stop.json as { after: string }).after).toBe('canceled');
    expect(alive(pid)).toBe(false);
  });
});
