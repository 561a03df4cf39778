import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { failed, notFound, usageError } from '../core/errors.js';
import { readWandbKey, type KeyLookup } from './key.js';
import { readWandbRuns } from './runs.js';
import { wandbRunUrl } from './url.js';

export interface SyncOptions extends KeyLookup {
  dir: string;
  entity: string;
  project: string;
  /** Without it nothing runs: the plan is returned for review. */
  yes?: boolean;
  timeoutMs?: number;
}

export interface SyncPlan {
  /** What would run, as shown to the user; argv[0] resolves to cliPath. */
  argv: string[];
  cwd: string;
  cliPath: string;
  keySource: string;
  runs: { id: string; path: string; url: string }[];
}

export interface SyncResult {
  dryRun: boolean;
  plan: SyncPlan;
  exitCode?: number;
  /** Run URLs printed by wandb, else the ones the destination implies. */
  urls: string[];
  /** stdout + stderr with the key scrubbed. */
  output?: string;
}

const DEFAULT_TIMEOUT_MS = 30 * 60_000;
const MAX_OUTPUT = 1 << 20;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

async function findOnPath(cmd: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (
      await access(candidate, constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  return null;
}

/** Validates everything a real sync needs, so the dry run fails where the real one would. */
export async function syncPlan(opts: SyncOptions): Promise<SyncPlan> {
  for (const [flag, value] of [
    ['--entity', opts.entity],
    ['--project', opts.project],
  ] as const) {
    if (!value?.trim()) {
      throw usageError(
        'WANDB_DESTINATION_REQUIRED',
        `${flag} is required`,
        'choose the W&B entity and project deliberately (ask the user); stale defaults inside the offline run are not used',
      );
    }
    if (!NAME.test(value))
      throw usageError(
        'WANDB_DESTINATION_INVALID',
        `${flag} ${JSON.stringify(value)} is not a valid W&B name`,
        `pass ${flag} with letters, digits, '.', '_' or '-'`,
      );
  }
  const env = opts.env ?? process.env;
  const runs = await readWandbRuns(opts.dir);
  if (runs.length === 0) {
    throw notFound(
      'WANDB_RUN_NOT_FOUND',
      `no W&B run dirs (offline-run-* or run-*) under ${path.resolve(opts.dir)}`,
      'pass the offline run dir, e.g. wandb/offline-run-20260311_150000-abc123',
    );
  }
  const cliPath = await findOnPath('wandb', env);
  if (!cliPath) {
    throw failed(
      'WANDB_CLI_MISSING',
      'the wandb CLI is not on PATH',
      'pip install wandb in the environment that runs the sync, then run again',
    );
  }
  const key = await readWandbKey(opts);
  if (!key) {
    throw failed(
      'WANDB_KEY_MISSING',
      'no W&B API key in WANDB_API_KEY, ~/.wandb_token or ~/.wandb_key',
      'ask the user to put the key in ~/.wandb_token (chmod 600); never paste it into a command or a run log',
    );
  }
  return {
    argv: ['wandb', 'sync', '--entity', opts.entity, '--project', opts.project, ...runs.map((r) => r.path)],
    cwd: path.dirname(runs[0]?.path ?? path.resolve(opts.dir)),
    cliPath,
    keySource: key.source,
    runs: runs.map((r) => ({ id: r.id, path: r.path, url: wandbRunUrl(opts.entity, opts.project, r.id) })),
  };
}

const scrubKey = (text: string, key: string): string => text.split(key).join('[REDACTED]');

export async function runWandbSync(opts: SyncOptions): Promise<SyncResult> {
  const plan = await syncPlan(opts);
  if (!opts.yes) return { dryRun: true, plan, urls: plan.runs.map((r) => r.url) };

  const key = await readWandbKey(opts);
  if (!key)
    throw failed(
      'WANDB_KEY_MISSING',
      'the W&B API key disappeared while syncing',
      'put the key back in ~/.wandb_token and run again',
    );
  const { code, signal, output } = await new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    output: string;
  }>((resolve, reject) => {
    const child = spawn(plan.cliPath, plan.argv.slice(1), {
      cwd: plan.cwd,
      env: { ...(opts.env ?? process.env), WANDB_API_KEY: key.key },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    });
    let text = '';
    const collect = (chunk: Buffer) => {
      if (text.length < MAX_OUTPUT) text += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (c, s) => resolve({ code: c, signal: s, output: text }));
  });
  const clean = scrubKey(output, key.key);
  if (signal !== null || code !== 0) {
    const tail = clean.trim().split('\n').slice(-5).join('\n');
    throw failed(
      signal !== null ? 'WANDB_SYNC_TIMEOUT' : 'WANDB_SYNC_FAILED',
      `wandb sync ${signal !== null ? `was stopped by ${signal}` : `exited with ${code}`}${tail ? `: ${tail}` : ''}`,
      'read the wandb output above; rerun the dry run to check the destination, then retry',
      { details: { argv: plan.argv, exitCode: code, signal } },
    );
  }
  const printed = [...clean.matchAll(/https?:\/\/[^\s'"]+\/runs\/[A-Za-z0-9_-]+/g)].map((m) => m[0]);
  return {
    dryRun: false,
    plan,
    exitCode: 0,
    urls: printed.length > 0 ? [...new Set(printed)] : plan.runs.map((r) => r.url),
    output: clean,
  };
}
