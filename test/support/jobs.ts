/**
 * Helpers for the job tests: a ledger (bare remote, real git) holding the
 * bundled training script, clocks shrunk to seconds in runlog.config.yaml,
 * and polling with deadlines through the real CLI.
 */
import { copyFileSync, existsSync, readdirSync, readFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeLedger, REPO_ROOT, runlog, runlogOk, type CliResult, type TempLedger } from './ledger.js';
import { ShowOutput, type ShowResult } from '../../src/schemas/output.js';
import { LocalState } from '../../src/executors/state.js';

export const FAST_CLOCKS: Record<string, string | number> = {
  kill_grace: '1s',
  backoff_base: '0.2s',
  backoff_max: '1s',
  stall_grace: '1s',
  lost_grace: '1s',
  cadence_every: '1s',
};

export interface JobLedgerOptions {
  /** Overrides of the `jobs:` section. */
  jobs?: Record<string, string | number>;
  /** More top-level YAML (e.g. a `policy:` section). */
  extra?: string;
}

export interface JobLedger {
  l: TempLedger;
  dir: string;
  cleanup(): void;
}

export async function jobLedger(opts: JobLedgerOptions = {}): Promise<JobLedger> {
  const l = await makeLedger({ prefix: 'runlog-jobs-' });
  const dir = l.main;
  copyFileSync(join(REPO_ROOT, 'examples', 'train.mjs'), join(dir, 'train.mjs'));
  const jobs = Object.entries({ ...FAST_CLOCKS, ...opts.jobs })
    .map(([k, v]) => `  ${k}: ${v}`)
    .join('\n');
  appendFileSync(join(dir, 'runlog.config.yaml'), `\njobs:\n${jobs}\n${opts.extra ?? ''}`);
  await git(dir, ['add', 'train.mjs', 'runlog.config.yaml']);
  await git(dir, ['commit', '-q', '-m', 'training script and fast clocks']);
  await git(dir, ['push', '-q', 'origin', 'main']);
  return {
    l,
    dir,
    cleanup() {
      killJobs(dir);
      l.cleanup();
    },
  };
}

/** A file the local executor keeps for attempt `n` of `run` in the ledger's local state (job.json, exit.json, ...). */
export function jobFile(dir: string, run: string, n: number, name: string): string {
  return join(LocalState.forLedger(dir).attemptDir(`${run}#${n}`), name);
}

/** Leave no job behind, whatever an assertion skipped: every group the wrapper recorded in local state. */
export function killJobs(dir: string): void {
  const root = join(dir, '.git', 'runlog', 'attempts');
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'job.json') {
        const job = JSON.parse(readFileSync(p, 'utf8')) as { pid?: number; pgid?: number };
        for (const target of [job.pgid ? -job.pgid : 0, job.pid ?? 0]) {
          try {
            if (target !== 0) process.kill(target, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
    }
  };
  walk(root);
}

export async function show(dir: string, run: string): Promise<ShowResult> {
  const r = await runlogOk(dir, ['show', run, '--json']);
  return ShowOutput.parse(r.json);
}

export async function submit(dir: string, run: string, flags: string[], command: string[]): Promise<CliResult> {
  return runlog(dir, ['submit', run, '--json', ...flags, '--', ...command]);
}

export const train = (...args: string[]) => ['node', 'train.mjs', ...args];

/** Poll (one pass per round) until the run's state satisfies `accept`; polls with a deadline, never a fixed sleep. */
export async function pollUntil(
  dir: string,
  run: string,
  accept: (state: string) => boolean,
  timeoutMs = 30_000,
  env?: Record<string, string>,
): Promise<ShowResult> {
  const deadline = Date.now() + timeoutMs;
  const seen: string[] = [];
  for (;;) {
    await runlogOk(dir, ['poll', run, '--json'], { env });
    const s = await show(dir, run);
    if (seen.at(-1) !== s.state) seen.push(s.state);
    if (accept(s.state)) return s;
    if (Date.now() > deadline)
      throw new Error(
        `${run} did not reach the expected state within ${timeoutMs} ms (states seen: ${seen.join(' → ')})`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function lastJob(s: ShowResult): Record<string, string> {
  return s.jobs.at(-1)!.fields;
}
