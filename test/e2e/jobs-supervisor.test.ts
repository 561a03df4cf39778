/**
 * The supervisor keeps no state of its own: SIGKILL it mid-run, let the job
 * finish while nobody watches, start it again, and it records the true
 * ending once, without launching anything twice. SIGTERM stops it cleanly.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SuperviseOutput } from '../../src/schemas/output.js';
import { git, newRun, runlogOk, spawnRunlog, waitFor } from '../support/ledger.js';
import { jobFile, jobLedger, lastJob, show, submit, train, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
beforeEach(async () => {
  jl = await jobLedger();
});
afterEach(() => jl.cleanup());

const stateOf = async (run: string) => (await show(jl.dir, run)).state;

/** Attempt directories of `run` whose job this clone launched (its local state holds a job record). */
function launchedAttempts(run: string): string[] {
  const base = join(jl.dir, '.runlog', 'outputs', run);
  return readdirSync(base).filter((d) =>
    existsSync(jobFile(jl.dir, run, Number(d.replace('attempt-', '')), 'job.json')),
  );
}

describe('supervise', () => {
  it('reconciles after a SIGKILL: a job that ended while it was down is recorded once, nothing is launched twice', async () => {
    const dir = jl.dir;
    const run = await newRun(dir, 'survivor');
    const flaky = await newRun(dir, 'flaky');
    // Jobs of ~10 s: long enough that a supervisor starting on a loaded machine still sees them running.
    await submit(dir, run, ['--heartbeat', '60s'], train('--steps', '40', '--sleep-ms', '250'));
    await submit(
      dir,
      flaky,
      ['--retries', '2'],
      train('--steps', '40', '--sleep-ms', '250', '--fail-at', '30', '--fail-with', 'network', '--fail-attempts', '1'),
    );

    const first = spawnRunlog(dir, ['supervise', '--every', '200ms']);
    let firstEnded = false;
    void first.exited.then(() => {
      firstEnded = true;
    });
    try {
      await waitFor(
        async () => firstEnded || (await show(dir, run)).status.some((e) => e.step !== null && e.state === 'running'),
        { timeoutMs: 40_000, what: 'the supervisor to record progress' },
      );
    } catch (err) {
      // A supervisor left behind by a failed wait would poll a deleted ledger for as long as the machine runs.
      first.child.kill('SIGKILL');
      throw err;
    }
    expect(firstEnded).toBe(false);
    first.child.kill('SIGKILL');
    const killed = await first.exited;
    expect(killed.signal).toBe('SIGKILL');

    // Both jobs end while no supervisor runs; their wrappers still write the exit records.
    const exitFile = (r: string, n: number) => jobFile(dir, r, n, 'exit.json');
    await waitFor(
      () => {
        try {
          readFileSync(exitFile(run, 1));
          readFileSync(exitFile(flaky, 1));
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs: 30_000, what: 'both jobs to end' },
    );
    expect(await stateOf(run)).toBe('running');

    const second = await runlogOk(dir, ['supervise', '--every', '200ms', '--exit-when-idle', '--json'], {
      timeoutMs: 60_000,
    });
    const summary = SuperviseOutput.parse(second.json);
    expect(summary.stoppedBy).toBe('idle');
    const s = await show(dir, run);
    expect(s.state).toBe('completed');
    expect(s.status.filter((e) => e.state === 'completed')).toHaveLength(1);
    expect(lastJob(s)['exit_code']).toBe('0');
    const f = await show(dir, flaky);
    expect(f.state).toBe('completed');
    expect(f.jobs.map((j) => j.fields['terminal_state'])).toEqual(['command_failed', 'completed']);
    // One launch per attempt: the first attempt of each was never submitted again.
    expect(launchedAttempts(run)).toEqual(['attempt-1']);
    expect(launchedAttempts(flaky).sort()).toEqual(['attempt-1', 'attempt-2']);
    expect(await git(dir, ['status', '--porcelain'])).toBe('');
  });

  it('adopts a launch whose record was cut off (validating with a started job) by its idempotency key', async () => {
    const dir = jl.dir;
    const run = await newRun(dir, 'cutoff');
    const sub = await submit(dir, run, [], train('--steps', '10', '--sleep-ms', '20'));
    expect(sub.code).toBe(0);
    // Undo the launch record, as if the CLI died between submitting and committing it.
    await git(dir, ['reset', '-q', '--hard', 'HEAD~1']);
    await git(dir, ['push', '-q', '-f', 'origin', 'main']);
    expect(await stateOf(run)).toBe('validating');
    const out = await runlogOk(dir, ['supervise', '--every', '200ms', '--exit-when-idle', '--json'], {
      timeoutMs: 60_000,
    });
    const summary = SuperviseOutput.parse(out.json);
    expect(summary.changes.find((c) => c.action === 'launch')?.message).toMatch(/^adopted /);
    const s = await show(dir, run);
    expect(s.state).toBe('completed');
    expect(launchedAttempts(run)).toEqual(['attempt-1']);
    expect(s.status.some((e) => /adopted local job/.test(e.message))).toBe(true);
  });

  it('stops after the current pass on SIGTERM', async () => {
    const sup = spawnRunlog(jl.dir, ['supervise', '--every', '1s']);
    let out = '';
    sup.child.stdout!.on('data', (d: string) => (out += d));
    await waitFor(() => out.includes('supervise: watching'), { timeoutMs: 20_000, what: 'the supervisor to start' });
    sup.child.kill('SIGTERM');
    const done = await sup.exited;
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/supervise: \d+ pass\(es\), 0 change\(s\), stopped by signal/);
  });
});
