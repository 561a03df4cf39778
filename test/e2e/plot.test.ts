/**
 * Charts, the user's whole path through the built CLI: a job runs and
 * completes under the supervisor, the completion commit carries the chart
 * (drawn from the job's output log, not only the committed entries) and the
 * Results link; `plot` redraws byte-identically; `publish` carries the chart,
 * scrubbed; a completion replayed on another clone's moved head, where the
 * output log does not exist, writes the same bytes.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { svgProblems } from '../../src/plot/check.js';
import { CompleteOutput, PlotOutput } from '../../src/schemas/output.js';
import { fileAt, git, newRun, runlog, runlogOk, snapshotLedger } from '../support/ledger.js';
import { jobLedger, lastJob, pollUntil, submit, train, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
let dir: string;

beforeEach(async () => {
  jl = await jobLedger({ jobs: { cadence_every: '1h', cadence_steps: 1000 } });
  dir = jl.dir;
});
afterEach(() => jl.cleanup());

const chartOf = (run: string) => `run_logs/${run.replace(/[^/]+$/, '')}plots/${run.split('/').pop()}.svg`;
const pathCount = (svg: string) => (svg.match(/<path d="M/g) ?? []).length;

describe('submit → complete → the run log links a committed chart; publish carries it', () => {
  it('the completion commit holds the chart drawn from the output log, and the Results link', async () => {
    const run = await newRun(dir, 'curves', { group: 'arx5' });
    const r = await submit(
      dir,
      run,
      ['--timeout', '60s', '--heartbeat', '30s'],
      train('--steps', '120', '--sleep-ms', '2'),
    );
    expect(r.code, r.stderr).toBe(0);
    const done = await pollUntil(dir, run, (s) => s === 'completed');
    expect(lastJob(done)['output_log']).toBeTruthy();

    // One commit: the completion, the SVG and the link together.
    const files = (await git(dir, ['show', '--name-only', '--format=%s', 'HEAD'])).trim().split('\n');
    expect(files[0]).toBe(`${run}: complete`);
    expect(files).toEqual(expect.arrayContaining([`run_logs/${run}.md`, chartOf(run)]));
    const md = readFileSync(join(dir, `run_logs/${run}.md`), 'utf8');
    expect(md).toMatch(/^- chart: !\[loss and throughput\]\(plots\/2026-03-22_curves\.svg\)$/m);
    expect(md.indexOf('- chart:')).toBeGreaterThan(md.indexOf('## Results'));

    // Drawn from the log: 120 readings, while the Status entries hold only a few steps.
    const svg = readFileSync(join(dir, chartOf(run)), 'utf8');
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).toContain('>samples/s<');
    const trainPath = /<path d="(M[^"]+)" fill="none" stroke="#1a73e8"/.exec(svg)?.[1] ?? '';
    expect(trainPath.split(/[ML]/).filter(Boolean).length).toBeGreaterThan(100);
    expect(done.status.filter((e) => e.step !== null).length).toBeLessThan(10);
    expect(await fileAt(jl.l.remote, 'main', chartOf(run))).toBe(svg);

    // Redrawing with nothing new commits nothing: the bytes are deterministic.
    const head = (await git(dir, ['rev-parse', 'HEAD'])).trim();
    const again = PlotOutput.parse((await runlogOk(dir, ['plot', run, '--json'])).json);
    expect(again).toMatchObject({
      id: run,
      chart: chartOf(run),
      link: 'plots/2026-03-22_curves.svg',
      commit: null,
      logAttempts: 1,
    });
    expect((await git(dir, ['rev-parse', 'HEAD'])).trim()).toBe(head);
    expect(readFileSync(join(dir, chartOf(run)), 'utf8')).toBe(svg);

    // publish copies it next to TRAINING_LOG.md and shows it there; the labels are scrubbed.
    const out = join(jl.l.base, 'package');
    await runlogOk(dir, ['publish', run, '--out', out]);
    const log = readFileSync(join(out, 'TRAINING_LOG.md'), 'utf8');
    expect(log).toContain('![loss and throughput](loss_and_throughput.svg)');
    expect(log).not.toContain('plots/');
    const published = readFileSync(join(out, 'loss_and_throughput.svg'), 'utf8');
    expect(svgProblems(published)).toEqual([]);
    expect(published).toBe(svg);
    expect((await runlog(dir, ['publish', '--check', out])).code).toBe(0);
  });
});

describe('runlog plot', () => {
  it('draws from Status entries alone, links once, and a second call commits nothing', async () => {
    const run = await newRun(dir, 'manual');
    await runlogOk(dir, ['append', run, 'started by hand', '--state', 'running']);
    for (const [step, loss] of [
      [100, 2.5],
      [200, 1.7],
      [300, Number.NaN],
      [400, 1.1],
    ] as const) {
      await runlogOk(dir, [
        'append',
        run,
        'progress',
        '--step',
        String(step),
        '--metric',
        `train_loss=${loss}`,
        '--metric',
        'tokens_per_s=900',
      ]);
    }
    const first = PlotOutput.parse((await runlogOk(dir, ['plot', run, '--json'])).json);
    expect(first).toMatchObject({ id: run, logAttempts: 0, pushed: true });
    expect(first.commit).toMatch(/^[0-9a-f]{40}$/);
    const svg = readFileSync(join(dir, first.chart), 'utf8');
    expect(svg).toContain('>NaN/Inf<');
    expect(svg).toContain('>tokens/s<');
    expect(await fileAt(jl.l.remote, 'main', first.chart)).toBe(svg);
    const second = PlotOutput.parse((await runlogOk(dir, ['plot', run, '--json'])).json);
    expect(second.commit).toBeNull();
    expect(readFileSync(join(dir, `run_logs/${run}.md`), 'utf8').match(/- chart: /g)).toHaveLength(1);

    // complete draws it again with the final entry; the link is not duplicated.
    const c = CompleteOutput.parse(
      (await runlogOk(dir, ['complete', run, '--final-step', '500', '--metric', 'train_loss=0.9', '--json'])).json,
    );
    expect(c.chart).toBe(first.chart);
    expect(readFileSync(join(dir, `run_logs/${run}.md`), 'utf8').match(/- chart: /g)).toHaveLength(1);
    expect(pathCount(readFileSync(join(dir, first.chart), 'utf8'))).toBeGreaterThan(0);
  });

  it('bad input changes nothing: an unknown run (exit 4), a run with no reading (exit 1)', async () => {
    const run = await newRun(dir, 'empty');
    const before = await snapshotLedger(dir);
    const unknown = await runlog(dir, ['plot', 'nope', '--json']);
    expect(unknown.code).toBe(4);
    const empty = await runlog(dir, ['plot', run, '--json']);
    expect(empty.code).toBe(1);
    expect((empty.json as { error: { code: string } }).error.code).toBe('NO_READINGS');
    expect(await snapshotLedger(dir)).toEqual(before);
  });
});

describe('replay on another clone', () => {
  it('a completion re-applied on a moved head, with its output log gone, draws the same chart', async () => {
    const run = await newRun(dir, 'replayed');
    const r = await submit(
      dir,
      run,
      ['--timeout', '60s', '--heartbeat', '30s', '--no-push'],
      train('--steps', '60', '--sleep-ms', '2'),
    );
    expect(r.code, r.stderr).toBe(0);
    // Completed locally, not pushed: the supervisor's pass commits with --no-push.
    const deadline = Date.now() + 30_000;
    for (;;) {
      await runlogOk(dir, ['poll', run, '--no-push', '--json']);
      if ((await fileAt(dir, 'HEAD', `run_logs/${run}.md`))?.includes('terminal_state: completed')) break;
      if (Date.now() > deadline) throw new Error('the job did not complete in 30 s');
      await new Promise((res) => setTimeout(res, 100));
    }
    const local = readFileSync(join(dir, chartOf(run)), 'utf8');
    expect(local).toContain('>samples/s<');

    // Another clone moves the remote meanwhile.
    const other = await jl.l.clone('other');
    const elsewhere = await newRun(other, 'elsewhere');
    expect(elsewhere).toBeTruthy();

    // The output logs are gone (another machine, a cleaned scratch): replay has only the trailer.
    rmSync(join(dir, '.runlog', 'outputs'), { recursive: true, force: true });
    const synced = await runlogOk(dir, ['sync', '--json']);
    expect((synced.json as { pushed: number }).pushed).toBeGreaterThan(0);
    expect(await git(dir, ['log', '--format=%s', '-1', 'HEAD~1'])).not.toBe('');
    expect(await fileAt(jl.l.remote, 'main', chartOf(run))).toBe(local);
    expect(await fileAt(jl.l.remote, 'main', `run_logs/${elsewhere}.md`)).not.toBeNull();
  });

  it('a trailer whose readings are not runlog’s is refused on replay, the original commit kept', async () => {
    const run = await newRun(dir, 'forged');
    await runlogOk(dir, ['append', run, 'progress', '--step', '10', '--metric', 'train_loss=1']);
    // A commit made by hand with a plot operation whose readings are garbage.
    const op = { v: 1, kind: 'plot', run, args: { run, readings: [{ attempt: 1, train: '1:2 <svg onload=x>' }] } };
    writeFileSync(join(dir, 'note.txt'), 'x');
    await git(dir, ['add', 'note.txt']);
    await git(dir, ['commit', '-q', '-m', 'forged', '-m', `Runlog-Op: ${JSON.stringify(op)}`]);
    const other = await jl.l.clone('other2');
    await newRun(other, 'moved');
    const synced = await runlog(dir, ['sync', '--json']);
    expect(synced.code).toBe(1);
    expect(JSON.stringify(synced.json)).toMatch(/REPLAY_CONFLICT/);
    expect(JSON.stringify(synced.json)).toMatch(/chart readings of/);
    expect(await git(dir, ['for-each-ref', '--format=%(refname)', 'refs/runlog/conflicts/'])).not.toBe('');
  });
});
