/**
 * Every preflight rule refuses a launch the same way: validation_failed with
 * every reason, committed and pushed, exit 3, and no process started.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorOutput, SubmitOutput } from '../../src/schemas/output.js';
import { fileAt, git, newRun, runlogOk } from '../support/ledger.js';
import { jobFile, jobLedger, lastJob, pollUntil, show, submit, train, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
let dir: string;
beforeAll(async () => {
  jl = await jobLedger({ extra: 'policy:\n  scarce: {cpus: 2}\n  light_run_types: [eval, debug]\n' });
  dir = jl.dir;
  mkdirSync(join(dir, 'ckpt', 'step-100'), { recursive: true });
  writeFileSync(join(dir, 'ckpt', 'step-100', 'metadata.json'), '{"step": 100}');
  mkdirSync(join(dir, 'ckpt', 'step-200'), { recursive: true });
  mkdirSync(join(dir, 'ckpt', 'latest'), { recursive: true });
  writeFileSync(join(dir, 'ckpt', 'latest', 'metadata.json'), '{"note": "no step here"}');
  writeFileSync(join(dir, 'good.yaml'), 'lr: 0.1\nsteps: 4\n');
  writeFileSync(join(dir, 'bad.yaml'), 'lr: [0.1\n');
  writeFileSync(join(dir, 'bad.toml'), 'lr = = 1\n');
  writeFileSync(join(dir, 'good.json'), '{"steps": 4, "lr": 0.2}');
  writeFileSync(join(dir, 'untracked.mjs'), 'console.log("step=1 loss=1")\n');
  await git(dir, ['add', 'good.yaml', 'bad.yaml', 'bad.toml', 'good.json']);
  await git(dir, ['commit', '-q', '-m', 'configs']);
  await git(dir, ['push', '-q', 'origin', 'main']);
});
afterAll(() => jl.cleanup());

async function rejectedWith(run: string, flags: string[], command: string[], reason: RegExp) {
  const r = await submit(dir, run, flags, command);
  expect(r.code, r.stdout + r.stderr).toBe(3);
  const err = ErrorOutput.parse(r.json).error as unknown as {
    code: string;
    reasons: { rule: string; message: string }[];
    commit: string;
  };
  expect(err.code).toBe('VALIDATION_FAILED');
  expect(err.reasons.map((x) => `[${x.rule}] ${x.message}`).join('\n')).toMatch(reason);
  const s = await show(dir, run);
  expect(s.state).toBe('validation_failed');
  expect(s.status.at(-1)!.message).toMatch(reason);
  expect(lastJob(s)['terminal_state']).toBe('validation_failed');
  // Committed and pushed, and no job was started.
  expect(err.commit).toMatch(/^[0-9a-f]{40}$/);
  expect(await fileAt(jl.l.remote, 'main', `run_logs/${run}.md`)).toContain('validation_failed');
  expect(existsSync(jobFile(dir, run, 1, 'job.json'))).toBe(false);
  return s;
}

describe('preflight rejects before launch', () => {
  it('a missing script', async () => {
    await rejectedWith(
      await newRun(dir, 'noscript'),
      [],
      ['node', 'nope.mjs'],
      /\[script\] script nope\.mjs does not exist/,
    );
  });

  it('a script that is not tracked at the launched commit', async () => {
    await rejectedWith(
      await newRun(dir, 'untracked'),
      [],
      ['node', 'untracked.mjs'],
      /\[script\] script untracked\.mjs is not tracked at commit [0-9a-f]{12}/,
    );
  });

  it('a config that does not parse (YAML and TOML), naming the file', async () => {
    await rejectedWith(
      await newRun(dir, 'badyaml', { extra: ['--config', 'bad.yaml'] }),
      [],
      train(),
      /\[config\] config bad\.yaml does not parse as YAML/,
    );
    await rejectedWith(
      await newRun(dir, 'badtoml', { extra: ['--config', 'bad.toml'] }),
      [],
      train(),
      /\[config\] config bad\.toml does not parse as TOML/,
    );
  });

  it('--init-from: missing, incomplete (no metadata.json), and without a numeric step', async () => {
    await rejectedWith(
      await newRun(dir, 'ckmissing'),
      ['--init-from', 'ckpt/step-999'],
      train(),
      /\[checkpoint\] --init-from ckpt\/step-999 does not exist/,
    );
    await rejectedWith(
      await newRun(dir, 'ckpartial'),
      ['--init-from', 'ckpt/step-200'],
      train(),
      /\[checkpoint\] .*step-200 is incomplete: no metadata\.json/,
    );
    await rejectedWith(
      await newRun(dir, 'cknostep'),
      ['--init-from', 'ckpt/latest'],
      train(),
      /\[checkpoint\] .*no numeric step/,
    );
  });

  it('hardware the machine does not have', async () => {
    await rejectedWith(
      await newRun(dir, 'huge'),
      ['--cpus', '100000', '--mem', '4096T'],
      train(),
      /requested 100000 CPUs; this machine has \d+[\s\S]*MiB of memory/,
    );
  });

  it('a dirty tree, unless --allow-dirty, which records the patch hash', async () => {
    writeFileSync(join(dir, 'train.mjs'), `${await git(dir, ['show', 'HEAD:train.mjs'])}// local tweak\n`);
    try {
      await rejectedWith(
        await newRun(dir, 'dirty'),
        [],
        train(),
        /\[dirty_tree\] the working tree has uncommitted changes \(train\.mjs\)/,
      );
      const run = await newRun(dir, 'dirtyok');
      const r = await submit(dir, run, ['--allow-dirty'], train('--steps', '2', '--sleep-ms', '1'));
      expect(r.code, r.stderr).toBe(0);
      const job = lastJob(await show(dir, run));
      expect(job['git_dirty']).toBe('yes');
      expect(job['patch_sha256']).toMatch(/^[0-9a-f]{64}$/);
      expect(existsSync(job['patch']!)).toBe(true);
      await pollUntil(dir, run, (s) => s === 'completed');
    } finally {
      await git(dir, ['checkout', '--', 'train.mjs']);
    }
  });

  it('an output root that cannot be created', async () => {
    // A file where a directory must go: refused for root too, unlike a permission bit.
    const blocker = join(jl.l.base, 'not-a-dir');
    writeFileSync(blocker, 'a file');
    writeFileSync(
      join(dir, 'runlog.config.yaml'),
      (await git(dir, ['show', 'HEAD:runlog.config.yaml'])).replace(
        'jobs:\n',
        `jobs:\n  output_root: ${join(blocker, 'out')}\n`,
      ),
    );
    try {
      await rejectedWith(
        await newRun(dir, 'blocked'),
        [],
        train(),
        /\[target\] output directory .* cannot be created: .*not-a-dir is not a directory/,
      );
    } finally {
      await git(dir, ['checkout', '--', 'runlog.config.yaml']);
    }
  });

  it('placement policy: scarce hardware for a light run is refused, or placed with a recorded override', async () => {
    await rejectedWith(
      await newRun(dir, 'evalbig', { extra: ['--subtype', 'eval'] }),
      ['--cpus', '2'],
      train(),
      /\[policy\] light run type "eval" asks for scarce 2 CPUs/,
    );
    const run = await newRun(dir, 'evalok', { extra: ['--subtype', 'eval'] });
    const r = await submit(
      dir,
      run,
      ['--cpus', '2', '--override-policy', 'release eval before the deadline'],
      train('--steps', '2', '--sleep-ms', '1'),
    );
    expect(r.code, r.stderr).toBe(0);
    SubmitOutput.parse(r.json);
    const job = lastJob(await show(dir, run));
    expect(job['policy_override']).toBe('release eval before the deadline');
    expect(job['placement']).toContain('policy overridden');
    await pollUntil(dir, run, (s) => s === 'completed');
  });

  it('lists every reason at once', async () => {
    const run = await newRun(dir, 'many', { extra: ['--config', 'bad.yaml', '--subtype', 'debug'] });
    const s = await rejectedWith(
      run,
      ['--init-from', 'ckpt/step-200', '--cpus', '100000'],
      ['node', 'nope.mjs'],
      /\[script\][\s\S]*\[config\][\s\S]*\[checkpoint\][\s\S]*\[target\][\s\S]*\[policy\]/,
    );
    expect(s.status.at(-1)!.message.split('; [').length).toBeGreaterThanOrEqual(5);
  });

  it('a good config is snapshotted with its hash; a good checkpoint records its numeric step', async () => {
    const run = await newRun(dir, 'good', { extra: ['--config', 'good.json'] });
    const r = await submit(
      dir,
      run,
      ['--init-from', 'ckpt/step-100'],
      train('--config', 'good.json', '--sleep-ms', '1'),
    );
    expect(r.code, r.stderr).toBe(0);
    const job = lastJob(await show(dir, run));
    expect(job['config_sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(job['config_snapshot']!)).toBe(true);
    expect(job['init_from_step']).toBe('100');
    await pollUntil(dir, run, (s) => s === 'completed');
    await runlogOk(dir, ['show', run]);
  });
});
