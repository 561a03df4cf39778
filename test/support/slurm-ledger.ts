/**
 * End-to-end helpers for Slurm runs through the built CLI: a ledger whose
 * runlog.config.yaml has `clusters:` profiles pointing at the test Slurm,
 * and cleanup that cancels every Slurm job the ledger's runs launched.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jobLedger, type JobLedger } from './jobs.js';
import { listRunFiles } from '../../src/ledger/read/runs.js';
import { RunLogDoc } from '../../src/markdown/runlog.js';

export interface SlurmLedger extends JobLedger {
  env: Record<string, string>;
  /** Every Slurm job id recorded in the ledger's Job blocks. */
  jobIds(): string[];
}

/**
 * Profiles: `test` (the default: partition debug, short clocks) and `held`
 * (extra sbatch arg --hold, so its jobs pend with JobHeldUser).
 */
export async function slurmLedger(env: Record<string, string>): Promise<SlurmLedger> {
  const slurmEnv = Object.entries(env)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
    .join(', ');
  const config = `
default_cluster: test
clusters:
  test:
    partition: debug
    env: {${slurmEnv}}
    call_timeout: 40s
    pending_grace: 1h
    stale_after: 5s
  held:
    partition: debug
    extra_args: ["--hold"]
    env: {${slurmEnv}}
`;
  const jl = await jobLedger({ extra: config });
  const jobIds = (): string[] => {
    const ids: string[] = [];
    for (const file of listRunFiles(jl.dir, 'run_logs')) {
      const doc = new RunLogDoc(readFileSync(file.abs, 'utf8'), file.path);
      for (const job of doc.view.jobs) {
        const id = (job.fields['execution_id'] ?? '').replace(/`/g, '');
        if (/^\d+$/.test(id)) ids.push(id);
      }
    }
    return ids;
  };
  return {
    ...jl,
    env,
    jobIds,
    cleanup() {
      const ids = jobIds();
      if (ids.length > 0) {
        try {
          execFileSync('scancel', ids, { env: { ...process.env, ...env }, timeout: 60_000, stdio: 'ignore' });
        } catch {
          // Slurm may be mid-fault; MinJobAge and the next `stop` clean up.
        }
      }
      jl.cleanup();
    },
  };
}

/**
 * `squeue -t all -n <job name>`: the jobs Slurm still holds under that name
 * whose output goes under `dir` (run ids repeat across test ledgers), as `id|STATE`.
 */
export function slurmJobsNamed(env: Record<string, string>, name: string, dir: string): string[] {
  const out = execFileSync('squeue', ['-h', '-t', 'all', '-n', name, '-O', 'JobID:|,State:|,STDOUT:'], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return out
    .split('\n')
    .map((l) => l.trim().split('|'))
    .filter((p) => p.length >= 3 && p.slice(2).join('|').startsWith(`${dir}/`))
    .map((p) => `${p[0]}|${p[1]}`);
}

/** The Slurm job name runlog gives a run (what squeue -n matches). */
export const jobNameOf = (runId: string) => runId.replace(/\//g, '_').replace(/[^A-Za-z0-9._-]/g, '_');

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

export const outputRoot = (dir: string) => join(dir, '.runlog', 'outputs');
