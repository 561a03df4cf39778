/**
 * A campaign on the local executor, as a user runs it: one manifest mixing
 * successes, a CUDA OOM, a transient network failure and a hang, launched
 * in one commit and driven by `runlog supervise` under max_parallel; then
 * relaunch, edit, fetch and resume. Every check reads what runlog wrote.
 */
import { readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CampaignFetchOutput,
  CampaignLaunchOutput,
  CampaignListOutput,
  CampaignResumeOutput,
  HistoryOutput,
  ListOutput,
  PublishOutput,
  ReportOutput,
} from '../../src/schemas/output.js';
import { git, runlog, runlogOk, snapshotLedger } from '../support/ledger.js';
import {
  launch,
  maxConcurrency,
  row,
  status,
  superviseUntilIdle,
  tracked,
  writeManifest,
} from '../support/campaigns.js';
import { jobLedger, show, type JobLedger } from '../support/jobs.js';

const MIX = `name: mix
command: node train.mjs --steps {steps} --sleep-ms 120 --result --track conc.log
runs:
  - {name: ok1, steps: 5}
  - {name: oom, steps: 5, command: "node train.mjs --steps {steps} --sleep-ms 120 --fail-at 2 --fail-with oom_gpu --fail-attempts 1 --result --track conc.log"}
  - {name: flaky, steps: 5, command: "node train.mjs --steps {steps} --sleep-ms 120 --fail-at 2 --fail-with network --fail-attempts 1 --result --track conc.log"}
  - {name: hang, steps: 6, command: "node train.mjs --steps {steps} --sleep-ms 120 --ckpt-every 2 --hang-at 4 --fail-attempts 1 --result --track conc.log"}
  - {name: ok2, steps: 5}
  - {name: ok3, steps: 4}
policy:
  max_parallel: 2
  heartbeat: 2s
  stall_action: resume
  backoff: 0.2s
  backoff_max: 1s
artifacts: [result.json]
`;

let jl: JobLedger;
let dir: string;
let id: string;

beforeAll(async () => {
  jl = await jobLedger();
  dir = jl.dir;
});
afterAll(() => jl?.cleanup());

const runOf = (entry: string) => `${id}/${new Date().toISOString().slice(0, 10)}_${entry}`;

describe('a campaign on the local executor', () => {
  it('launches the whole manifest as one commit, every run log pending with non-zero default clocks', async () => {
    const manifest = writeManifest(dir, 'mix.yaml', MIX);
    const before = Number((await git(dir, ['rev-list', '--count', 'HEAD'])).trim());
    const r = await launch(dir, manifest);
    id = r.id;
    const out = CampaignLaunchOutput.parse(r.json);
    expect(out.launched).toBe(true);
    expect(out.id).toMatch(/^mix-[0-9a-f]{8}$/);
    expect(out.runs.map((x) => x.entry)).toEqual(['ok1', 'oom', 'flaky', 'hang', 'ok2', 'ok3']);
    expect(out.policy).toMatchObject({
      max_parallel: 2,
      timeout: '72h',
      task_timeout: '2h',
      heartbeat: '2s',
      retries: 2,
    });
    expect(Number((await git(dir, ['rev-list', '--count', 'HEAD'])).trim())).toBe(before + 1);
    const files = (await git(dir, ['show', '--name-only', '--format=', 'HEAD'])).split('\n').filter(Boolean);
    expect(files).toEqual(
      expect.arrayContaining([
        `run_logs/${id}/manifest.yaml`,
        `run_logs/${id}/campaign.md`,
        `run_logs/${id}/summary.json`,
        `run_logs/${id}/timeline.md`,
        ...out.runs.map((x) => x.path),
      ]),
    );
    const manifestBytes = readFileSync(join(dir, 'run_logs', id, 'manifest.yaml'));
    expect(createHash('sha256').update(manifestBytes).digest('hex').slice(0, 8)).toBe(id.slice(-8));
    const s = await show(dir, out.runs[0]!.id);
    expect(s.state).toBe('pending');
    // pushed like every other write
    expect((await git(jl.l.remote, ['rev-parse', 'main'])).trim()).toBe((await git(dir, ['rev-parse', 'HEAD'])).trim());
  });

  it('relaunching the same manifest returns the same id and writes nothing', async () => {
    const before = await snapshotLedger(dir);
    const again = CampaignLaunchOutput.parse((await launch(dir, join(dir, 'mix.yaml'))).json);
    expect(again).toMatchObject({ id, launched: false, commit: null });
    expect(await snapshotLedger(dir)).toEqual(before);
  });

  it('supervise runs it under max_parallel: transient retried once, hang resumed from its checkpoint, OOM not retried', async () => {
    await superviseUntilIdle(dir, 150_000);
    const jobs = tracked(join(dir, 'conc.log'));
    expect(jobs.length).toBeGreaterThanOrEqual(8);
    expect(maxConcurrency(jobs)).toBeLessThanOrEqual(2);
    expect(maxConcurrency(jobs)).toBe(2);

    const { summary } = await status(dir, id);
    expect(summary.counts).toMatchObject({ completed: 5, command_failed: 1, pending: 0, running: 0 });
    expect(summary.failure_classes['oom_gpu']).toBe(1);
    expect(Object.values(summary.failure_classes).reduce((a, b) => a + b, 0)).toBe(1);
    expect(row(summary, 'oom')).toMatchObject({ state: 'command_failed', failure_class: 'oom_gpu', attempts: 1 });
    expect(row(summary, 'flaky')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(row(summary, 'hang')).toMatchObject({ state: 'completed', attempts: 2 });
    for (const e of ['ok1', 'ok2', 'ok3']) expect(row(summary, e)).toMatchObject({ state: 'completed', attempts: 1 });

    const flaky = await show(dir, runOf('flaky'));
    expect(flaky.jobs.map((j) => j.fields['terminal_state'])).toEqual(['command_failed', 'completed']);
    expect(flaky.jobs[0]!.fields['failure_class']).toBe('network_transient');
    const hang = await show(dir, runOf('hang'));
    expect(hang.status.some((e) => e.state === 'stalled')).toBe(true);
    expect(hang.jobs[1]!.fields['resumed from']).toMatch(/checkpoints\/step-2$/);
    const hangLog = readFileSync(hang.jobs[1]!.fields['output_log']!.replace(/`/g, ''), 'utf8');
    expect(hangLog).toContain('resumed from');
    // Outputs are isolated per campaign, entry and attempt.
    expect(hang.jobs.map((j) => j.fields['output_dir'])).toEqual([
      join(dir, '.runlog/outputs', id, 'hang', 'attempt-1'),
      join(dir, '.runlog/outputs', id, 'hang', 'attempt-2'),
    ]);
    const ok1 = await show(dir, runOf('ok1'));
    // A duration is written the way a person reads it.
    expect(ok1.jobs[0]!.fields['timeout']).toBe('72h');

    // summary.json in the tree was rewritten with every change and agrees with the recomputed status.
    const committed = JSON.parse(await git(dir, ['show', `HEAD:run_logs/${id}/summary.json`])) as typeof summary;
    expect(committed.counts).toEqual(summary.counts);
    const campaignMd = readFileSync(join(dir, 'run_logs', id, 'campaign.md'), 'utf8');
    expect(campaignMd).toMatch(/\| \[oom\]\([^)]+\) \| command_failed \| oom_gpu \| 1 \|/);
    // The campaign chart is committed beside campaign.md, which shows it.
    expect(campaignMd).toMatch(/!\[final train_loss per entry and loss curves\]\(plots\/campaign\.svg\)/);
    const chart = await git(dir, ['show', `HEAD:run_logs/${id}/plots/campaign.svg`]);
    expect(chart).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // The OOM failed before any step with a loss was committed: five curves.
    expect(chart).toContain('>final train_loss per entry (lower is better), 5 of 6 with a result<');
    expect(chart).toContain('>loss curves of 5 entries<');
    expect(chart).not.toContain('>oom<');
    expect(await git(dir, ['status', '--porcelain', '--', 'run_logs'])).toBe('');
  });

  it('an edited manifest is a new campaign', async () => {
    const edited = writeManifest(dir, 'mix2.yaml', MIX.replace('max_parallel: 2', 'max_parallel: 3'));
    const r = CampaignLaunchOutput.parse(
      (await runlogOk(dir, ['campaign', 'launch', edited, '--dry-run', '--json'])).json,
    );
    expect(r.id).not.toBe(id);
    expect(r.id).toMatch(/^mix-[0-9a-f]{8}$/);
    expect(r.commit).toBeNull();
  });

  it('fetch copies the declared artifacts of completed runs, verifies sha256 and records completeness, naming what is missing', async () => {
    const to = join(jl.l.base, 'fetched');
    // One completed run lost its result: fetch says which, and status reports it.
    rmSync(join(dir, '.runlog/outputs', id, 'ok3', 'attempt-1', 'result.json'));
    const out = CampaignFetchOutput.parse((await runlogOk(dir, ['campaign', 'fetch', id, '--to', to, '--json'])).json);
    expect(out).toMatchObject({ expected: 5, present: 4, verified: 4, missing: ['ok3/result.json'] });
    const copied = readFileSync(join(to, id, 'ok1', 'result.json'));
    const source = readFileSync(join(dir, '.runlog/outputs', id, 'ok1', 'attempt-1', 'result.json'));
    expect(copied.equals(source)).toBe(true);
    expect(readFileSync(join(to, id, 'SHA256SUMS'), 'utf8')).toContain(
      `${createHash('sha256').update(source).digest('hex')}  ok1/result.json`,
    );
    const { summary, result } = await status(dir, id);
    expect(summary.artifacts).toMatchObject({ expected: 5, present: 4, verified: 4, synced_to: to });
    expect(row(summary, 'ok3').artifacts.missing).toEqual(['result.json']);
    expect(result.code).toBe(0);
    const human = await runlogOk(dir, ['campaign', 'status', id]);
    expect(human.stdout).toMatch(/artifacts 4\/5 verified.*; missing: ok3\/result\.json/);
  });

  it('resume relaunches nothing that failed for a reason of its own; --include-failed reruns exactly the failed entry', async () => {
    const plain = CampaignResumeOutput.parse((await runlogOk(dir, ['campaign', 'resume', id, '--json'])).json);
    expect(plain.resumed).toEqual([]);
    const attemptsBefore = (await status(dir, id)).summary.runs.map((r) => [r.entry, r.attempts]);
    const r = CampaignResumeOutput.parse(
      (await runlogOk(dir, ['campaign', 'resume', id, '--include-failed', '--json'])).json,
    );
    expect(r.resumed.map((x) => x.entry)).toEqual(['oom']);
    await superviseUntilIdle(dir, 60_000);
    const { summary } = await status(dir, id);
    expect(row(summary, 'oom')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(summary.runs.map((x) => [x.entry, x.attempts])).toEqual(
      attemptsBefore.map(([e, n]) => [e, e === 'oom' ? 2 : n]),
    );
    expect(summary.counts).toMatchObject({ completed: 6 });
  });

  it('campaign runs are ordinary runs: list --campaign, timeline, experiments, history and publish work on them as they are', async () => {
    // Read-only commands, run side by side.
    const [st, listed, timeline, experiments, hist] = await Promise.all([
      status(dir, id),
      runlogOk(dir, ['list', '--campaign', id, '--json']),
      runlog(dir, ['timeline', '--group', id, '--check']),
      runlog(dir, ['experiments', '--group', id, '--check']),
      runlogOk(dir, ['history', runOf('flaky'), '--json']),
    ]);
    const list = ListOutput.parse(listed.json);
    expect(list.runs.map((r) => r.id).sort()).toEqual(st.summary.runs.map((r) => r.id).sort());
    expect(list.runs.every((r) => r.state === 'completed' && r.runType === 'experiment')).toBe(true);
    // The folder's derived files were kept current by every commit: nothing to rebuild.
    expect(timeline.code).toBe(0);
    expect(experiments.code).toBe(0);
    expect(readFileSync(join(dir, 'run_logs', id, 'experiments.md'), 'utf8')).toMatch(/flaky.*completed/);
    const history = HistoryOutput.parse(hist.json);
    expect(history.commits.at(-1)!.subject).toBe(`${id}: launch campaign (6 runs)`);
    expect(history.commits.length).toBeGreaterThanOrEqual(5);
    const out = join(jl.l.base, 'published');
    const pub = PublishOutput.parse((await runlogOk(dir, ['publish', runOf('hang'), '--out', out, '--json'])).json);
    expect(pub.files).toContain('TRAINING_LOG.md');
    const published = readFileSync(join(out, 'TRAINING_LOG.md'), 'utf8');
    expect(published).toMatch(/hang/);
    // This machine's output paths stay out of a published file.
    expect(published).not.toContain(dir);
    expect((await runlog(dir, ['publish', '--check', out])).code).toBe(0);
  });

  it('list and report show the campaign across the ledger', async () => {
    const [listed, reported] = await Promise.all([
      runlogOk(dir, ['campaign', 'list', '--json']),
      runlogOk(dir, ['report', '--by', 'campaign', '--json']),
    ]);
    const list = CampaignListOutput.parse(listed.json);
    expect(list.campaigns.map((c) => c.id)).toContain(id);
    const report = ReportOutput.parse(reported.json);
    expect(report.groups.find((g) => g.key === id)).toMatchObject({ runs: 6 });
  });
});
