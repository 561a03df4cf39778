/**
 * A launch wave of a campaign as one Slurm job array: one `sbatch` for any
 * number of entries, `--array=0-<n-1>%<throttle>` so Slurm itself keeps at
 * most `throttle` of them running, and one case branch per task that sets
 * the entry's own working directory, command and output directory. Every
 * word is quoted by the POSIX single-quote escaper: the script expands
 * nothing a manifest wrote.
 *
 * The wave's key travels as the array's comment and its script lives in the
 * wave directory, so a supervisor killed between `sbatch` and recording the
 * launch finds the array again (from squeue, or from the task logs in the
 * wave directory once slurmctld has forgotten it) and never submits twice.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { failed, rejected } from '../../core/errors.js';
import { shellQuote } from '../../core/shell-quote.js';
import { isoSeconds } from '../../core/time.js';
import type { JobHandle, JobSpec, WaveRequest } from '../types.js';
import {
  jobNameFor,
  sbatchDirectives,
  scriptProblems,
  withProfileDefaults,
  type SlurmProfile,
} from './batch-script.js';
import type { SlurmClient } from './client.js';
import { slurmTimeToIso } from './parse.js';

/** The wave's key is the array's comment; its name (the campaign id) the job name squeue shows. */
type Wave = WaveRequest;

const LOG_PATTERN = 'slurm-%A_%a.out';

/** `#SBATCH --output` value: `%` in the directory must not read as a pattern. */
function outputDirective(dir: string): string {
  return join(dir.replace(/%/g, '%%'), LOG_PATTERN);
}

export function arrayTaskLogPath(dir: string, arrayId: string, index: number): string {
  return join(dir, `slurm-${arrayId}_${index}.out`);
}

export function arrayExitCodePath(outputDir: string, arrayId: string, index: number): string {
  return join(outputDir, `exit-${arrayId}_${index}.code`);
}

function directive(option: string, value: string): string {
  return /[^A-Za-z0-9._/:,+@%-]/.test(value) ? `#SBATCH ${option}="${value}"` : `#SBATCH ${option}=${value}`;
}

/** The resources every task of an array shares: the first spec's, with the wave's name, output and comment. */
function arrayDirectives(specs: JobSpec[], wave: Wave, profile: SlurmProfile): string[] {
  const own = new Set(['--job-name', '--output', '--comment']);
  const shared = sbatchDirectives(specs[0]!, profile).filter(
    (l) => !own.has(/^#SBATCH (--[a-z-]+)/.exec(l)?.[1] ?? ''),
  );
  return [
    directive('--job-name', jobNameFor(wave.name)),
    directive('--output', outputDirective(wave.dir)),
    directive('--comment', wave.key),
    directive('--array', `0-${specs.length - 1}%${Math.max(1, wave.throttle)}`),
    ...shared,
  ];
}

function taskBranch(i: number, spec: JobSpec): string {
  const env = Object.entries(spec.env)
    .map(([k, v]) => `${k}=${shellQuote(v)}`)
    .join(' ');
  return [
    `  ${i})`,
    `    runlog_out=${shellQuote(spec.outputDir)}`,
    `    runlog_cwd=${shellQuote(spec.cwd)}`,
    `    runlog_argv=(${spec.argv.map(shellQuote).join(' ')})`,
    ...(env ? [`    export ${env}`] : []),
    '    ;;',
  ].join('\n');
}

export function renderArrayScript(specs: JobSpec[], wave: Wave, profile: SlurmProfile): string {
  return [
    '#!/bin/bash',
    ...arrayDirectives(specs, wave, profile),
    `# Written by runlog for campaign wave ${wave.key.replace(/[^\x20-\x7e]/g, '?')}: array task i runs entry i below.`,
    "# Every value was quoted by runlog's POSIX single-quote escaper: this shell expands none of it.",
    '',
    'runlog_task="${SLURM_ARRAY_TASK_ID:?runlog: not an array task}"',
    'runlog_job="${SLURM_ARRAY_JOB_ID}_${runlog_task}"',
    'case "$runlog_task" in',
    ...specs.map((s, i) => taskBranch(i, s)),
    '  *) echo "runlog: array task $runlog_task is not part of this wave" >&2; exit 97 ;;',
    'esac',
    '',
    'mkdir -p "$runlog_out"',
    `ln -sf ${shellQuote(wave.dir)}"/slurm-$runlog_job.out" "$runlog_out/slurm-$runlog_job.out" 2>/dev/null`,
    'runlog_exit_file="$runlog_out/exit-$runlog_job.code"',
    'runlog_record_exit() {',
    '  runlog_status=$?',
    '  printf \'%s\\n\' "$runlog_status" >"$runlog_exit_file.tmp" && mv -f "$runlog_exit_file.tmp" "$runlog_exit_file"',
    '}',
    'trap runlog_record_exit EXIT',
    '# Slurm sends SIGTERM on cancel and time limit; exit through the EXIT trap with 128+15.',
    "trap 'exit 143' TERM",
    '',
    'cd "$runlog_cwd" || exit 97',
    '"${runlog_argv[@]}"',
    '',
  ].join('\n');
}

function handles(
  specs: JobSpec[],
  wave: Wave,
  arrayId: string,
  submittedAt: string,
  partition: string,
  scriptPath: string,
): JobHandle[] {
  return specs.map((spec, i) => ({
    executor: 'slurm',
    jobId: `${arrayId}_${i}`,
    outputPath: arrayTaskLogPath(wave.dir, arrayId, i),
    submittedAt,
    extra: {
      partition,
      jobName: jobNameFor(wave.name),
      exitCodePath: arrayExitCodePath(spec.outputDir, arrayId, i),
      scriptPath,
      arrayJob: arrayId,
      wave: wave.key,
    },
  }));
}

/**
 * The array this wave already became, if any: slurmctld still lists it
 * (comment and output pattern match), or a task of it already wrote its log
 * into the wave directory.
 */
async function findWave(
  client: SlurmClient,
  wave: Wave,
): Promise<{ arrayId: string; submittedAt: string; partition: string } | undefined> {
  const out = await client.runOk('squeue', [
    '-h',
    '-t',
    'all',
    '-r',
    '-n',
    jobNameFor(wave.name),
    '-O',
    'ArrayJobID:|,SubmitTime:|,Partition:|,STDOUT:|,Comment:|',
  ]);
  const wanted = `${outputDirective(wave.dir)}|${wave.key}`;
  for (const raw of out.stdout.split('\n')) {
    const parts = raw.replace(/\|$/, '').split('|');
    if (parts.length >= 5 && parts.slice(3).join('|') === wanted)
      return {
        arrayId: parts[0]!,
        submittedAt: slurmTimeToIso(parts[1]) ?? new Date().toISOString(),
        partition: parts[2]!,
      };
  }
  if (!existsSync(wave.dir)) return undefined;
  for (const name of readdirSync(wave.dir)) {
    const m = /^slurm-(\d+)_\d+\.out$/.exec(name);
    if (m) return { arrayId: m[1]!, submittedAt: new Date().toISOString(), partition: '' };
  }
  return undefined;
}

export async function submitArray(
  client: SlurmClient,
  profile: SlurmProfile,
  requested: JobSpec[],
  wave: Wave,
): Promise<JobHandle[]> {
  if (requested.length === 0) return [];
  const specs = requested.map((s) => withProfileDefaults(s, profile));
  const problems = specs.flatMap((s) => scriptProblems(s, profile).map((p) => `${s.runId}: ${p}`));
  if (problems.length > 0) {
    throw rejected(
      'SLURM_SCRIPT_INVALID',
      `cannot write the array script for wave ${wave.key}: ${problems.join('; ')}`,
      'fix the entries (run preflight to see every reason) and launch again',
      { problems },
    );
  }
  const scriptPath = join(wave.dir, 'wave.sbatch');
  const found = await findWave(client, wave);
  if (found) return handles(specs, wave, found.arrayId, found.submittedAt, found.partition, scriptPath);

  await mkdir(wave.dir, { recursive: true });
  for (const s of specs) await mkdir(s.outputDir, { recursive: true });
  await writeFile(scriptPath, renderArrayScript(specs, wave, profile), { mode: 0o644 });
  const submittedAt = isoSeconds(new Date());
  const out = await client.run('sbatch', ['--parsable', scriptPath], { cwd: specs[0]!.cwd });
  if (out.exitCode !== 0) {
    const detail = out.stderr.trim().split('\n').join(' / ') || `exit status ${out.exitCode}`;
    throw rejected(
      'SLURM_SUBMIT_REJECTED',
      `sbatch refused wave ${wave.key}: ${detail}`,
      'check the partition, resources and profile (preflight shows what the cluster offers)',
      { stderr: out.stderr, scriptPath },
    );
  }
  const arrayId = out.stdout.trim().split(';')[0] ?? '';
  if (!/^\d+$/.test(arrayId)) {
    throw failed(
      'SLURM_SUBMIT_UNPARSEABLE',
      `sbatch --parsable printed ${JSON.stringify(out.stdout)}, not a job id`,
      'run the script by hand with sbatch --parsable to see what it prints',
      { details: { scriptPath } },
    );
  }
  const partition = specs[0]!.resources.partition ?? profile.partition ?? '';
  return handles(specs, wave, arrayId, submittedAt, partition, scriptPath);
}

/** Change how many tasks of live arrays may run at once; arrays that already finished are skipped. */
export async function setArrayThrottle(client: SlurmClient, arrayIds: string[], throttle: number): Promise<string[]> {
  const updated: string[] = [];
  for (const id of [...new Set(arrayIds)]) {
    const out = await client.run('scontrol', ['update', `JobId=${id}`, `ArrayTaskThrottle=${Math.max(1, throttle)}`]);
    // A partly finished array answers per task range ("0-2: Job has already finished, 3: No error") and exits 1.
    if (out.exitCode === 0 || /No error/.test(out.stdout + out.stderr)) updated.push(id);
  }
  return updated;
}
