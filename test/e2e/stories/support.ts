/**
 * What every user story needs: a fresh ledger with a bare remote, the bundled
 * training script committed in it, and the CLI driven the way a user drives
 * it. Stories use runlog commands only; git is read to check what reached the
 * remote, never to help the story along.
 */
import { appendFileSync, copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { fileAt, git, makeLedger, REPO_ROOT, runlog, type CliResult, type TempLedger } from '../../support/ledger.js';

export interface Story {
  l: TempLedger;
  dir: string;
  /** Run the CLI in the ledger; never throws. */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Run the CLI and fail with its output unless it exits 0. */
  ok(args: string[], env?: Record<string, string>): Promise<CliResult>;
  cleanup(): void;
}

/** Clocks shrunk to seconds so a story's jobs end in seconds. */
const FAST_JOBS = [
  'kill_grace: 1s',
  'backoff_base: 0.2s',
  'backoff_max: 1s',
  'stall_grace: 1s',
  'lost_grace: 1s',
  'cadence_every: 1s',
];

export async function story(
  prefix: string,
  o: { trainScript?: boolean; config?: string; env?: Record<string, string> } = {},
): Promise<Story> {
  const l = await makeLedger({ prefix: `runlog-story-${prefix}-` });
  const dir = l.main;
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runlog(dir, args, { env: { ...o.env, ...env }, timeoutMs: 90_000 });
  const ok = async (args: string[], env: Record<string, string> = {}) => {
    const r = await cli(args, env);
    if (r.code !== 0)
      throw new Error(`runlog ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  if (o.trainScript || o.config) {
    if (o.trainScript) copyFileSync(join(REPO_ROOT, 'examples', 'train.mjs'), join(dir, 'train.mjs'));
    appendFileSync(
      join(dir, 'runlog.config.yaml'),
      `\njobs:\n${FAST_JOBS.map((j) => `  ${j}`).join('\n')}\n${o.config ?? ''}`,
    );
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '-q', '-m', 'training script and fast clocks']);
    await git(dir, ['push', '-q', 'origin', 'main']);
  }
  return {
    l,
    dir,
    cli,
    ok,
    cleanup() {
      killJobs(l.base);
      l.cleanup();
    },
  };
}

/** Leave no job behind whatever an assertion skipped: every process group a local job recorded. */
function killJobs(root: string): void {
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(p);
      else if (e.name === 'job.json') {
        try {
          const job = JSON.parse(readFileSync(p, 'utf8')) as { pid?: number; pgid?: number };
          for (const target of [job.pgid ? -job.pgid : 0, job.pid ?? 0])
            if (target !== 0) process.kill(target, 'SIGKILL');
        } catch {
          // Gone already, or not a job record.
        }
      }
    }
  };
  walk(root);
}

export interface Shown {
  state: string;
  failureClass: string | null;
  attempt: number;
  jobs: { heading: string; fields: Record<string, string> }[];
  status: {
    at: string | null;
    state: string | null;
    step: number | null;
    metrics: Record<string, number | null>;
    message: string;
  }[];
  results: Record<string, string> | null;
  next: string[];
  config: Record<string, string>;
}

export async function show(s: Story, run: string): Promise<Shown> {
  return (await s.ok(['show', run, '--json'])).json as Shown;
}

/** One poll pass per round until the run's state is accepted; a deadline, never a fixed sleep. */
export async function pollUntil(
  s: Story,
  run: string,
  accept: (state: string) => boolean,
  timeoutMs = 45_000,
): Promise<Shown> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    await s.ok(['poll', run, '--json']);
    const shown = await show(s, run);
    if (seen.at(-1) !== shown.state) seen.push(shown.state);
    if (accept(shown.state)) return shown;
    if (Date.now() > deadline)
      throw new Error(`${run} did not reach the expected state in ${timeoutMs} ms (seen: ${seen.join(' → ')})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/** After ordinary commands the indexes are current: neither check finds anything stale. */
export async function expectIndexesCurrent(s: Story): Promise<void> {
  const t = await s.cli(['timeline', '--check']);
  expect(t.code, `timeline --check: ${t.stdout}${t.stderr}`).toBe(0);
  const e = await s.cli(['experiments', '--check']);
  expect(e.code, `experiments --check: ${e.stdout}${e.stderr}`).toBe(0);
}

/** Everything the story committed reached the remote, and the work tree is clean. */
export async function expectAllPushed(s: Story): Promise<void> {
  expect(await git(s.dir, ['status', '--porcelain'])).toBe('');
  expect((await git(s.l.remote, ['rev-parse', 'main'])).trim()).toBe((await git(s.dir, ['rev-parse', 'HEAD'])).trim());
}

export async function remoteFile(s: Story, path: string): Promise<string> {
  const text = await fileAt(s.l.remote, 'main', path);
  expect(text, `${path} on the remote`).not.toBeNull();
  return text!;
}

export async function remoteTags(s: Story): Promise<string[]> {
  return (await git(s.l.remote, ['tag', '--list'])).split('\n').filter(Boolean);
}

/** The value of a Markdown field with its code span removed: `` `x` (found under `y`) `` → `x (found under y)`. */
export const plain = (v: string | undefined) => (v ?? '').replace(/`/g, '');
