import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readRegularTail } from '../../core/confined-fs.js';
import { failed, rejected } from '../../core/errors.js';
import { isoSeconds } from '../../core/time.js';
import type { Executor, JobHandle, JobObservation, JobSpec, PollResult, WaveRequest } from '../types.js';
import { setArrayThrottle, submitArray } from './array.js';
import {
  defaultTemplatePath,
  exitCodePathFor,
  jobNameFor,
  outputDirective,
  outputPathFor,
  renderBatchScript,
  scriptProblems,
  withProfileDefaults,
  type SlurmProfile,
} from './batch-script.js';
import { SlurmClient, SlurmCommandError, type SlurmOutput, SlurmTransportError } from './client.js';
import {
  SACCT_FIELDS,
  SQUEUE_FORMAT,
  isTerminal,
  observationFromSacct,
  observationFromSqueue,
  parseSacct,
  parseSqueue,
  sacctRowIsPlaceholder,
  slurmTimeToIso,
} from './parse.js';
import { slurmPreflight } from './preflight.js';
import { sleep } from '../../core/backoff.js';

export interface SlurmExecutorOptions {
  /** Environment for every Slurm command; must carry SLURM_CONF unless the host has /etc/slurm/slurm.conf. */
  env?: Record<string, string>;
  profile?: SlurmProfile;
  /** Limit on each Slurm client call (default 30 s: a dead slurmctld takes 9-18 s to fail). */
  callTimeoutMs?: number;
  templatePath?: string;
}

const ACCOUNTING_DISABLED = /accounting storage is disabled/i;
const PREEMPTION_MARK = 'DUE TO PREEMPTION';

async function readExitFile(path: string): Promise<number | undefined> {
  const text = readRegularTail(path, 64)?.text.trim();
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly client: SlurmClient;
  private readonly profile: SlurmProfile;
  private readonly templatePath?: string;

  constructor(opts: SlurmExecutorOptions = {}) {
    this.client = new SlurmClient({ env: opts.env, timeoutMs: opts.callTimeoutMs });
    this.profile = opts.profile ?? {};
    this.templatePath = opts.templatePath;
  }

  preflight(spec: JobSpec): Promise<string[]> {
    return slurmPreflight(this.client, withProfileDefaults(spec, this.profile), this.profile);
  }

  async submit(requested: JobSpec): Promise<JobHandle> {
    const spec = withProfileDefaults(requested, this.profile);
    const problems = scriptProblems(spec, this.profile);
    if (problems.length > 0) {
      throw rejected(
        'SLURM_SCRIPT_INVALID',
        `cannot write a batch script for ${spec.runId}: ${problems.join('; ')}`,
        'fix the request (run preflight to see every reason) and launch again',
        { problems },
      );
    }
    const existing = await this.findByKey(spec);
    if (existing) return existing;

    const template = await readFile(this.templatePath ?? defaultTemplatePath(), 'utf8');
    await mkdir(spec.outputDir, { recursive: true });
    const scriptPath = join(spec.outputDir, `${jobNameFor(spec.runId)}.attempt-${spec.attempt}.sbatch`);
    await writeFile(scriptPath, renderBatchScript(template, spec, this.profile), { mode: 0o644 });

    const submittedAt = isoSeconds(new Date());
    // The job's own environment travels with sbatch (default --export=ALL), so
    // no secret is written into the script file.
    const out = await this.client.run('sbatch', ['--parsable', scriptPath], { cwd: spec.cwd, env: spec.env });
    if (out.exitCode !== 0) {
      const detail = out.stderr.trim().split('\n').join(' / ') || `exit status ${out.exitCode}`;
      throw rejected(
        'SLURM_SUBMIT_REJECTED',
        `sbatch refused ${spec.runId}: ${detail}`,
        'check the partition, resources and profile (runlog preflight shows what the cluster offers)',
        {
          stderr: out.stderr,
          scriptPath,
        },
      );
    }
    const jobId = out.stdout.trim().split(';')[0] ?? '';
    if (!/^\d+(_\d+)?$/.test(jobId)) {
      throw failed(
        'SLURM_SUBMIT_UNPARSEABLE',
        `sbatch --parsable printed ${JSON.stringify(out.stdout)}, not a job id`,
        'run the script by hand with sbatch --parsable to see what it prints',
        { details: { scriptPath } },
      );
    }
    const partition = (await this.partitionOf(jobId)) ?? spec.resources.partition ?? this.profile.partition ?? '';
    return this.handle(spec, jobId, submittedAt, partition, scriptPath);
  }

  private handle(spec: JobSpec, jobId: string, submittedAt: string, partition: string, scriptPath?: string): JobHandle {
    const extra: Record<string, string> = {
      partition,
      jobName: jobNameFor(spec.runId),
      exitCodePath: exitCodePathFor(spec.outputDir, jobId),
    };
    if (scriptPath) extra.scriptPath = scriptPath;
    return { executor: this.name, jobId, outputPath: outputPathFor(spec.outputDir, jobId), submittedAt, extra };
  }

  /** The partition Slurm actually chose; a transport hiccup after sbatch must not lose the job id. */
  private async partitionOf(jobId: string): Promise<string | undefined> {
    try {
      const out = await this.client.run('squeue', ['-h', '-t', 'all', '-j', jobId, '-O', 'Partition:|']);
      return out.exitCode === 0 ? out.stdout.trim().replace(/\|$/, '') || undefined : undefined;
    } catch (err) {
      if (err instanceof SlurmTransportError) return undefined;
      throw err;
    }
  }

  /**
   * A job slurmctld still holds with this key as its comment and this
   * attempt's output pattern: the same key never launches twice. The output
   * directory is part of the match because run ids repeat across ledgers
   * (two clones, two users) and one of them must not adopt the other's job.
   */
  private async findByKey(spec: JobSpec): Promise<JobHandle | undefined> {
    const name = jobNameFor(spec.runId);
    const out = await this.client.runOk('squeue', [
      '-h',
      '-t',
      'all',
      '-n',
      name,
      '-O',
      'JobID:|,SubmitTime:|,Partition:|,STDOUT:|,Comment:|',
    ]);
    const wanted = `${outputDirective(spec.outputDir)}|${spec.idempotencyKey}`;
    for (const raw of out.stdout.split('\n')) {
      const parts = raw.replace(/\|$/, '').split('|');
      if (parts.length < 5) continue;
      const [jobId, submit, partition] = parts as [string, string, string];
      if (parts.slice(3).join('|') === wanted) {
        return this.handle(spec, jobId, slurmTimeToIso(submit) ?? new Date().toISOString(), partition);
      }
    }
    return undefined;
  }

  async poll(handles: JobHandle[]): Promise<PollResult> {
    const before = this.client.calls;
    const jobs = new Map<string, JobObservation>();
    const byId = new Map(handles.map((h) => [h.jobId, h]));
    if (byId.size === 0) return { jobs, calls: 0 };
    const ids = [...byId.keys()];
    // Array tasks (`<array>_<task>`) are asked for by their array: one id per array, every task listed (-r).
    const asked = [...new Set(ids.map((id) => id.split('_')[0]!))];
    const result = (transportError?: string): PollResult => ({
      jobs,
      calls: this.client.calls - before,
      ...(transportError ? { transportError } : {}),
    });

    let squeueOut: SlurmOutput;
    try {
      squeueOut = await this.client.run('squeue', [
        '-h',
        '-t',
        'all',
        '-r',
        '-j',
        asked.join(','),
        '-O',
        SQUEUE_FORMAT,
      ]);
    } catch (err) {
      if (err instanceof SlurmTransportError) return result(err.message);
      throw err;
    }
    // A single unknown id is an error to squeue, a list with unknown ids is not.
    const unknownSingle = squeueOut.exitCode !== 0 && /Invalid job id specified/.test(squeueOut.stderr);
    if (squeueOut.exitCode !== 0 && !unknownSingle) throw new SlurmCommandError('squeue', squeueOut);
    for (const row of parseSqueue(squeueOut.stdout)) {
      const handle = byId.get(row.jobId);
      if (!handle) continue;
      const preempted = row.state.startsWith('CANCELLED') && (await this.outputSaysPreempted(handle));
      jobs.set(row.jobId, observationFromSqueue(row, { preemptedInOutput: preempted }));
    }

    const missing = ids.filter((id) => !jobs.has(id));
    if (missing.length === 0) return result();
    try {
      for (const [id, obs] of await this.observeFinished(missing.map((id) => byId.get(id) as JobHandle)))
        jobs.set(id, obs);
    } catch (err) {
      if (err instanceof SlurmTransportError) return result(err.message);
      throw err;
    }
    return result();
  }

  /**
   * Jobs slurmctld no longer lists (after MinJobAge): one sacct call, or the
   * exit-code files when the cluster has no accounting. A job whose sacct
   * record is still a placeholder is left out: not known yet, not changed.
   */
  async observeFinished(handles: JobHandle[]): Promise<Map<string, JobObservation>> {
    const jobs = new Map<string, JobObservation>();
    if (handles.length === 0) return jobs;
    const out = await this.client.run('sacct', [
      '-X',
      '-P',
      '-n',
      '-j',
      handles.map((h) => h.jobId).join(','),
      '-o',
      SACCT_FIELDS.join(','),
    ]);
    if (ACCOUNTING_DISABLED.test(out.stderr + out.stdout)) {
      for (const handle of handles) jobs.set(handle.jobId, await this.fromExitFile(handle));
      return jobs;
    }
    if (out.exitCode !== 0) throw new SlurmCommandError('sacct', out);
    const rows = parseSacct(out.stdout);
    for (const handle of handles) {
      const id = handle.jobId;
      const candidates = rows.filter((r) => r.jobId === id);
      const row = candidates.filter((r) => !sacctRowIsPlaceholder(r)).at(-1);
      if (row) {
        const preempted = row.state.startsWith('CANCELLED') && (await this.outputSaysPreempted(handle));
        jobs.set(id, observationFromSacct(row, { preemptedInOutput: preempted }));
      } else if (candidates.length === 0) {
        jobs.set(id, {
          jobId: id,
          phase: 'unknown',
          evidence: `squeue -t all and sacct -j ${id} both printed nothing for job ${id}`,
        });
      }
    }
    return jobs;
  }

  private async outputSaysPreempted(handle: JobHandle): Promise<boolean> {
    // Only a regular file: the job writes this log and may put a FIFO in its place.
    return (readRegularTail(handle.outputPath, 8192)?.text ?? '').includes(PREEMPTION_MARK);
  }

  /** Without accounting, a job slurmctld has forgotten is known only from the file its script wrote. */
  private async fromExitFile(handle: JobHandle): Promise<JobObservation> {
    const path = handle.extra?.exitCodePath ?? exitCodePathFor(dirname(handle.outputPath), handle.jobId);
    const code = await readExitFile(path);
    if (code === undefined) {
      return {
        jobId: handle.jobId,
        phase: 'unknown',
        evidence: `squeue no longer lists job ${handle.jobId}, accounting is disabled and ${path} does not exist`,
      };
    }
    return {
      jobId: handle.jobId,
      phase: code === 0 ? 'completed' : 'failed',
      exitCode: code,
      evidence: `${path}: ${code} (squeue no longer lists the job; accounting is disabled)`,
    };
  }

  submitWave(specs: JobSpec[], wave: WaveRequest): Promise<JobHandle[]> {
    return submitArray(this.client, this.profile, specs, wave);
  }

  throttleWaves(arrayIds: string[], throttle: number): Promise<string[]> {
    return setArrayThrottle(this.client, arrayIds, throttle);
  }

  /** One scancel per array: every task, pending or running, of each. */
  async cancelWaves(arrayIds: string[]): Promise<void> {
    if (arrayIds.length > 0) await this.client.runOk('scancel', [...new Set(arrayIds)]);
  }

  async cancel(handle: JobHandle, opts: { graceMs?: number } = {}): Promise<JobObservation> {
    await this.client.runOk('scancel', [handle.jobId]);
    // KillWait (SIGTERM → SIGKILL) is the cluster's grace; allow it plus slack.
    const deadline = Date.now() + (opts.graceMs ?? 0) + 90_000;
    let last: JobObservation | undefined;
    let lastTransport: string | undefined;
    while (Date.now() < deadline) {
      const { jobs, transportError } = await this.poll([handle]);
      lastTransport = transportError;
      last = jobs.get(handle.jobId) ?? last;
      if (last && (isTerminal(last.phase) || last.phase === 'unknown')) return last;
      await sleep(500);
    }
    throw failed(
      'SLURM_CANCEL_UNCONFIRMED',
      `scancel ${handle.jobId} was sent but Slurm did not report the job ended in time`,
      'poll the job again later; if it still runs, ask the cluster admins',
      {
        details: { last: last?.evidence, transportError: lastTransport },
      },
    );
  }
}
