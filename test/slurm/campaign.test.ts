/**
 * The campaign story on the real single-node Slurm: entries go out as job
 * arrays (one sbatch per launch wave, `%max_parallel` throttle), every array
 * task maps to its run log, a transient failure and a hang are retried as
 * their own attempts, the OOM is not, and polling stays one squeue (plus at
 * most one sacct) per pass for the whole campaign. Slurm commands are
 * counted through wrappers first on PATH.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CampaignResumeOutput, SuperviseOutput } from '../../src/schemas/output.js';
import { runlogOk, waitFor } from '../support/ledger.js';
import { launch, row, status, writeManifest } from '../support/campaigns.js';
import { show } from '../support/jobs.js';
import { describeSlurm, holdSlurm } from '../support/slurm.js';

const COMMANDS = ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel', 'sinfo'];

/** Wrappers that log each call, then run the real command. */
function countingPath(base: string): { env: Record<string, string>; counts(): Record<string, number> } {
  const bin = join(base, 'counting-bin');
  const log = join(base, 'slurm-calls.log');
  mkdirSync(bin, { recursive: true });
  for (const cmd of COMMANDS) {
    const real = execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, cmd), `#!/bin/sh\necho ${cmd} >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, cmd), 0o755);
  }
  writeFileSync(log, '');
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? ''}` },
    counts() {
      const out: Record<string, number> = Object.fromEntries(COMMANDS.map((c) => [c, 0]));
      for (const l of readFileSync(log, 'utf8').split('\n')) if (l) out[l] = (out[l] ?? 0) + 1;
      return out;
    },
  };
}

describeSlurm('campaigns on Slurm', (suite) => {
  holdSlurm('shared');

  it('one job array per launch wave; retries as their own attempts; one squeue per pass', async () => {
    const sl = await suite.ledger();
    const dir = sl.dir;
    const counter = countingPath(sl.l.base);
    const m = writeManifest(
      dir,
      'sweep.yaml',
      `name: slurm-mix
executor: slurm
command: node train.mjs --steps {steps} --sleep-ms 150 --result
resources: {cpus: 1, mem: 100M, time: 5m, requeue: false}
runs:
  - {name: ok1, steps: 4}
  - {name: oom, steps: 4, command: "node train.mjs --steps {steps} --sleep-ms 150 --fail-at 2 --fail-with oom_gpu"}
  - {name: flaky, steps: 4, command: "node train.mjs --steps {steps} --sleep-ms 150 --fail-at 2 --fail-with network --fail-attempts 1 --result"}
  - {name: hang, steps: 6, command: "node train.mjs --steps {steps} --sleep-ms 150 --ckpt-every 2 --hang-at 4 --fail-attempts 1 --result"}
  - {name: ok2, steps: 4}
policy:
  max_parallel: 2
  heartbeat: 4s
  stall_action: resume
  backoff: 0.2s
  backoff_max: 1s
artifacts: [result.json]
`,
    );
    const { id } = await launch(dir, m);
    const sup = SuperviseOutput.parse(
      (
        await runlogOk(dir, ['supervise', '--every', '500ms', '--exit-when-idle', '--json'], {
          timeoutMs: 240_000,
          env: counter.env,
        })
      ).json,
    );
    const { summary } = await status(dir, id);
    expect(summary.counts).toMatchObject({ completed: 4, command_failed: 1 });
    expect(row(summary, 'oom')).toMatchObject({ failure_class: 'oom_gpu', attempts: 1 });
    expect(row(summary, 'flaky')).toMatchObject({ state: 'completed', attempts: 2 });
    expect(row(summary, 'hang')).toMatchObject({ state: 'completed', attempts: 2 });

    // Every attempt is an array task mapped to its own run log.
    const blocks = await Promise.all(
      summary.runs.map(async (r) => ({ entry: r.entry, jobs: (await show(dir, r.id)).jobs })),
    );
    const arrays = new Set<string>();
    for (const b of blocks) {
      for (const j of b.jobs) {
        const jobId = (j.fields['execution_id'] ?? '').replace(/`/g, '');
        expect(jobId, `${b.entry} ${j.heading}`).toMatch(/^\d+_\d+$/);
        arrays.add(jobId.split('_')[0]!);
      }
    }
    const firstWave = new Set(blocks.map((b) => b.jobs[0]!.fields['execution_id']!.replace(/`/g, '').split('_')[0]));
    expect(firstWave.size).toBe(1);
    const script = readFileSync(
      join(
        dir,
        '.runlog/outputs',
        id,
        '_waves',
        readdirSync(join(dir, '.runlog/outputs', id, '_waves')).sort()[0]!,
        'wave.sbatch',
      ),
      'utf8',
    );
    expect(script).toMatch(/#SBATCH --array=0-4%2/);

    const calls = counter.counts();
    expect(calls['sbatch']).toBe(arrays.size);
    expect(arrays.size).toBeGreaterThanOrEqual(2);
    expect(arrays.size).toBeLessThanOrEqual(3);
    // Polling: one squeue (+ at most one sacct) per pass for the whole campaign. The other squeue
    // calls are one per wave (is this wave already submitted?) and the wait for the hung task's scancel.
    expect(sup.executorQueries).toBeLessThanOrEqual(2 * sup.passes);
    expect(calls['sacct']).toBeLessThanOrEqual(sup.passes);
    expect(calls['squeue']).toBeGreaterThanOrEqual(arrays.size);
    expect(calls['scancel']).toBe(1);
  }, 300_000);

  it('a change of max_parallel updates the live array throttle', async () => {
    const sl = await suite.ledger();
    const dir = sl.dir;
    const m = writeManifest(
      dir,
      'slow.yaml',
      'name: slow\nexecutor: slurm\ncommand: node train.mjs --steps 200 --sleep-ms 200 --tag {t}\ngrid: {t: [a, b, c, d]}\nresources: {cpus: 1, mem: 50M, time: 5m, requeue: false}\npolicy: {max_parallel: 1}\n',
    );
    const { id } = await launch(dir, m);
    await runlogOk(dir, ['poll', '--json']);
    const first = await show(dir, (await status(dir, id)).summary.runs[0]!.id);
    const arrayId = first.jobs[0]!.fields['execution_id']!.replace(/`/g, '').split('_')[0]!;
    const throttle = () =>
      /ArrayTaskThrottle=(\d+)/.exec(
        execFileSync('scontrol', ['show', 'job', arrayId], {
          env: { ...process.env, ...suite.slurm.env },
          encoding: 'utf8',
        }),
      )?.[1];
    expect(throttle()).toBe('1');
    const r = CampaignResumeOutput.parse(
      (await runlogOk(dir, ['campaign', 'resume', id, '--max-parallel', '2', '--json'])).json,
    );
    expect(r.maxParallel).toBe(2);
    expect(r.throttled).toEqual([arrayId]);
    await waitFor(() => throttle() === '2', { timeoutMs: 10_000, what: 'the new throttle' });
    await runlogOk(dir, ['campaign', 'cancel', id, '--reason', 'done with the test', '--json'], { timeoutMs: 120_000 });
  }, 300_000);
});
