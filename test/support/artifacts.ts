/** Shared by the artifacts/publish/seal/lint e2e tests: a real ledger with a bare remote, and the built CLI. */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../../bin/run.js');

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; input?: string },
): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export const git = async (cwd: string, ...args: string[]): Promise<string> => {
  const r = await run('git', args, { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
};

export interface TestLedger {
  dir: string;
  root: string;
  remote: string;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<Ran & { json: () => unknown }>;
  /** Write a file and commit + push it as a person would. */
  commitFile(rel: string, text: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function makeLedger(): Promise<TestLedger> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'runlog-art-'));
  const root = path.join(dir, 'repo');
  const remote = path.join(dir, 'remote.git');
  await mkdir(root);
  await git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  await git(root, 'init', '-q', '-b', 'main');
  await git(root, 'config', 'user.name', 'Test User');
  await git(root, 'config', 'user.email', 'test@example.com');
  await git(root, 'config', 'commit.gpgsign', 'false');
  await git(root, 'config', 'tag.gpgsign', 'false');
  await git(root, 'config', 'gc.auto', '0');
  const cli = async (args: string[], env?: NodeJS.ProcessEnv) => {
    const r = await run(process.execPath, [BIN, ...args], {
      cwd: root,
      env: { RUNLOG_NO_UPDATE_NOTIFIER: '1', ...env },
    });
    return { ...r, json: () => JSON.parse(r.stdout) as unknown };
  };
  const init = await cli(['init', '--remote', remote]);
  if (init.code !== 0) throw new Error(`runlog init failed: ${init.stderr}`);
  return {
    dir,
    root,
    remote,
    cli,
    async commitFile(rel, text) {
      const abs = path.join(root, rel);
      await mkdir(path.dirname(abs), { recursive: true });
      await writeFile(abs, text);
      await git(root, 'add', '--', rel);
      await git(root, 'commit', '-q', '-m', `add ${rel}`, '--', rel);
      await git(root, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** A checkpoint dir: weights and, when complete, metadata.json. */
export async function makeCheckpoint(
  dir: string,
  opts: { complete?: boolean; weights?: Record<string, string> } = {},
): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(
    opts.weights ?? { 'model.safetensors': `weights of ${path.basename(dir)}` },
  )) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  if (opts.complete !== false)
    await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ step: path.basename(dir) }));
  return dir;
}

export async function sparseFile(file: string, bytes: number): Promise<void> {
  await writeFile(file, '');
  await truncate(file, bytes);
}

/** A hand-kept run log (no front matter) of a completed run, with everything a seal needs or lacks. */
export function runLog(o: {
  outputRoot: string;
  checkpoint?: string;
  sha?: string;
  extraJob?: string;
  state?: string;
  wandbLocal?: string;
  wandbSynced?: string;
  extra?: string;
}): string {
  return `# train — baseline

## Mode
- run_type: experiment
- objective: check the baseline trains

## Config
- script: \`slurm/train.sh\`
- config: \`configs/base.yaml\`
- dataset: \`shards.parquet\` at \`/scratch/alice/data/shards.parquet\`
- key settings: lr 3e-4, batch 64

## Job
- execution_id: 4242424
- submitted/start: \`2026-03-11T15:00:00Z\`
- start_human: \`Wednesday, Mar 11th, 2026\`
- end: \`2026-03-12T14:30:00Z\`
- end_human: \`Thursday, Mar 12th, 2026\`
- runtime: \`23:30:00\`
- node: nid001234
- output_root: \`${o.outputRoot}\`
${o.sha ? `- git_sha: ${o.sha}\n` : ''}- command: \`python train.py --config configs/base.yaml --token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB\`
${o.extraJob ?? ''}
## Status
- 2026-03-11 15:00 UTC — running, step 10, train_loss 2.5, grad_norm 3.1
- 2026-03-11 18:00 UTC — running, step 100, train_loss 1.2, grad_norm 1.4 — job 4242424 on nid001234
- 2026-03-12 09:00 UTC — running, step 1000, train_loss 0.4
- 2026-03-12 14:30 UTC — ${o.state ?? 'completed'}, step 1000 — exit code 0

## Results
- runtime: \`23:30:00\`
- final step: 1000
- start_train_loss: \`2.5\`
- end_train_loss: \`0.4\`
- loss_one_liner: fast early drop, smooth tail
${o.checkpoint ? `- checkpoint: \`${o.checkpoint}\`\n` : ''}
## W&B
- local: ${o.wandbLocal ? `\`${o.wandbLocal}\`` : 'pending'}
- synced: ${o.wandbSynced ? `\`${o.wandbSynced}\`` : 'pending'}
- notes: clean curves
${o.extra ?? ''}
## Next
- decide whether to run longer
`;
}
