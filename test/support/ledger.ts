/**
 * End-to-end helpers: a ledger in a temp dir with a bare remote and N clones,
 * and the BUILT CLI run as a user runs it (node bin/run.js, argv array,
 * explicit cwd). Run `npm run build` before tests that use this.
 *
 * RUNLOG_BIN points the helpers at another build (e.g. a copy of bin/ and
 * dist/ taken while colleagues rebuild the checkout).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RUNLOG_BIN = process.env['RUNLOG_BIN']
  ? resolve(process.env['RUNLOG_BIN'])
  : join(REPO_ROOT, 'bin', 'run.js');

/** Variables from the caller's git (hooks, worktrees) or CI that would point git elsewhere. */
const DROP = /^(GIT_|RUNLOG_(?!DEBUG))/;

/** A clean, deterministic environment for git and the CLI. */
export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !DROP.test(k)) env[k] = v;
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_AUTHOR_NAME: 'Runlog Test',
    GIT_AUTHOR_EMAIL: 'test@runlog.invalid',
    GIT_COMMITTER_NAME: 'Runlog Test',
    GIT_COMMITTER_EMAIL: 'test@runlog.invalid',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    TZ: 'UTC',
    LC_ALL: 'C',
    ...extra,
  };
}

export interface CliResult {
  code: number;
  /** Set when the process was killed by a signal (code is then -1). */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON, else undefined. */
  json: unknown;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

function parseJson(text: string): unknown {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return undefined;
  try {
    return JSON.parse(t) as unknown;
  } catch {
    return undefined;
  }
}

/** Wait for a concurrent `npm run build` (it deletes dist/ first) to finish. */
export async function ensureBuilt(timeoutMs = 90_000): Promise<void> {
  const bundle = join(dirname(RUNLOG_BIN), '..', 'dist', 'bundle', 'runlog.mjs');
  await waitFor(() => existsSync(bundle), { timeoutMs, what: `${bundle} (run \`npm run build\`)` });
}

/** Run the built CLI: `runlog ...args` in `cwd`. Never throws on a non-zero exit. */
export function runlog(cwd: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    execFile(
      process.execPath,
      [RUNLOG_BIN, ...args],
      { cwd, env: testEnv(opts.env), timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals | null; killed?: boolean }) | null;
        if (e && typeof e.code === 'string') return reject(e);
        const signal = e?.signal ?? null;
        resolvePromise({
          code: e ? (typeof e.code === 'number' ? e.code : -1) : 0,
          signal,
          stdout,
          stderr,
          json: parseJson(stdout),
          ms: Date.now() - started,
        });
      },
    );
  });
}

/** Run the CLI and fail loudly (with its stderr) unless it exits 0. */
export async function runlogOk(cwd: string, args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const r = await runlog(cwd, args, opts);
  if (r.code !== 0)
    throw new Error(
      `runlog ${args.join(' ')} exited ${r.code}${r.signal ? ` (${r.signal})` : ''}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
    );
  return r;
}

/** Start the CLI without waiting (for kill tests); resolve `exited` for its end. */
export function spawnRunlog(
  cwd: string,
  args: string[],
  opts: { env?: Record<string, string> } = {},
): {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [RUNLOG_BIN, ...args], {
    cwd,
    env: testEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (res, rej) => {
      child.on('error', rej);
      child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
    },
  );
  return { child, exited };
}

export class GitCallError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number | string | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} failed (${code}): ${stderr.trim()}`);
  }
}

/** Run git in `cwd` (a work tree or a bare repo); resolve stdout, reject on failure. */
export function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((res, rej) => {
    execFile(
      'git',
      args,
      { cwd, env: testEnv(), timeout: 60_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) rej(new GitCallError(args, (err as { code?: number | string }).code, stderr));
        else res(stdout);
      },
    );
  });
}

export async function tryGit(cwd: string, args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    return { ok: true, out: await git(cwd, args), err: '' };
  } catch (e) {
    return { ok: false, out: '', err: e instanceof GitCallError ? e.stderr : String(e) };
  }
}

/** Settings every test repo gets: no signing, no background gc, no hooks from the user's config. */
async function configureRepo(dir: string): Promise<void> {
  for (const [k, v] of [
    ['user.name', 'Runlog Test'],
    ['user.email', 'test@runlog.invalid'],
    ['commit.gpgsign', 'false'],
    ['tag.gpgsign', 'false'],
    ['gc.auto', '0'],
    ['core.hooksPath', '/dev/null'],
  ] as const) {
    await git(dir, ['config', k, v]);
  }
}

export interface TempLedger {
  /** The temp dir holding everything; removed by cleanup(). */
  base: string;
  /** The bare remote (`git init --bare -b main`). */
  remote: string;
  /** Clones of the remote; clones[0] is the one that ran `runlog init`. */
  clones: string[];
  /** clones[0]. */
  main: string;
  /** Another clone of the remote, made now. */
  clone(name?: string): Promise<string>;
  cleanup(): void;
}

export interface LedgerOptions {
  /** Number of clones (>= 1). Default 1. */
  clones?: number;
  /** Run `runlog init --remote <bare>` in the first clone. Default true. */
  init?: boolean;
  /** Prefix for the temp dir name. */
  prefix?: string;
}

/**
 * A ledger the way a team has one: a bare remote, a first clone that ran
 * `runlog init --remote`, and more clones of the remote made afterwards.
 */
export async function makeLedger(opts: LedgerOptions = {}): Promise<TempLedger> {
  await ensureBuilt();
  const base = mkdtempSync(join(tmpdir(), opts.prefix ?? 'runlog-e2e-'));
  const remote = join(base, 'remote.git');
  await git(base, ['init', '-q', '--bare', '-b', 'main', remote]);
  const main = join(base, 'clone0');
  await git(base, ['init', '-q', '-b', 'main', main]);
  await configureRepo(main);
  if (opts.init ?? true) await runlogOk(main, ['init', '--remote', remote]);
  else await git(main, ['remote', 'add', 'origin', remote]);
  let n = 1;
  const clone = async (name?: string): Promise<string> => {
    const dir = join(base, name ?? `clone${n++}`);
    await git(base, ['clone', '-q', remote, dir]);
    await configureRepo(dir);
    return dir;
  };
  const clones = [main];
  for (let i = 1; i < (opts.clones ?? 1); i++) clones.push(await clone());
  return { base, remote, clones, main, clone, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

export interface NewRunOptions {
  type?: 'replication' | 'experiment' | 'pipeline';
  group?: string;
  objective?: string;
  date?: string;
  extra?: string[];
}

/** `runlog new` with sensible defaults; returns the run id. */
export async function newRun(cwd: string, task: string, o: NewRunOptions = {}): Promise<string> {
  const args = [
    'new',
    task,
    '--type',
    o.type ?? 'experiment',
    '--objective',
    o.objective ?? `test ${task}`,
    '--date',
    o.date ?? '2026-03-22',
    '--json',
  ];
  if (o.group) args.push('--group', o.group);
  const r = await runlogOk(cwd, [...args, ...(o.extra ?? [])]);
  return (r.json as { id: string }).id;
}

/** Everything a command could change: HEAD, refs, status and every file's bytes (outside .git). */
export interface LedgerSnapshot {
  head: string;
  refs: string;
  status: string;
  files: Record<string, string>;
}

function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, ent.name);
      if (ent.name === '.git' && dir === root) continue;
      if (ent.isDirectory()) walk(abs);
      else
        out[relative(root, abs)] = ent.isFile()
          ? createHash('sha256').update(readFileSync(abs)).digest('hex')
          : `${ent.isSymbolicLink() ? 'symlink' : 'other'}`;
    }
  };
  walk(root);
  return out;
}

export async function snapshotLedger(dir: string): Promise<LedgerSnapshot> {
  return {
    head: (await git(dir, ['rev-parse', 'HEAD'])).trim(),
    refs: await git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']),
    status: await git(dir, ['status', '--porcelain=v1', '--untracked-files=all']),
    files: hashTree(dir),
  };
}

/** Lines of `git log` on a ref, oldest first: `<sha> <subject>`. */
export async function logSubjects(dir: string, ref = 'HEAD'): Promise<string[]> {
  const out = await git(dir, ['log', '--reverse', '--format=%s', ref]);
  return out.split('\n').filter(Boolean);
}

/** Merge commits reachable from `ref` (empty when history is linear). */
export async function mergeCommits(dir: string, ref = 'HEAD'): Promise<string[]> {
  return (await git(dir, ['rev-list', '--merges', ref])).split('\n').filter(Boolean);
}

/** A file's content at `ref` (works in a bare repo), or null. */
export async function fileAt(dir: string, ref: string, path: string): Promise<string | null> {
  const r = await tryGit(dir, ['show', `${ref}:${path}`]);
  return r.ok ? r.out : null;
}

export interface ErrorJson {
  error: { code: string; message: string; hint: string; [k: string]: unknown };
}

/** The `error[CODE]: message` / `hint:` pair on stderr, or null. */
export function stderrError(stderr: string): { code: string; message: string; hint: string } | null {
  const m = /^error\[([A-Z0-9_]+)\]: (.*)$/m.exec(stderr);
  const h = /^hint: (.+)$/m.exec(stderr);
  return m && h ? { code: m[1]!, message: m[2]!, hint: h[1]! } : null;
}

/** Poll `check` until it is truthy or the deadline passes. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  o: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${o.timeoutMs ?? 10_000} ms waiting for ${o.what ?? 'a condition'}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 20));
  }
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
