import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultTemplatePath,
  jobNameFor,
  renderBatchScript,
  sbatchDirectives,
  scriptProblems,
  slurmTime,
} from '../../src/executors/slurm/batch-script.js';
import { jsonProblem, transportProblem } from '../../src/executors/slurm/client.js';
import {
  neverStarts,
  observationFromSacct,
  observationFromSqueue,
  parseGres,
  parseSacct,
  parseScontrolLine,
  parseSlurmDuration,
  parseSqueue,
  phaseOf,
} from '../../src/executors/slurm/parse.js';
import { shellQuote, shellQuoteArgv } from '../../src/core/shell-quote.js';
import { jobSpec, tempDir } from '../support/slurm.js';

/** Words a careless script generator would let the shell interpret. */
const HOSTILE = [
  "it's",
  "''",
  '$(touch PWNED1)',
  '`touch PWNED2`',
  'two\nlines',
  'a; touch PWNED3',
  '"double" quotes',
  'back\\slash\\',
  '$HOME ${PATH}',
  '*',
  '',
  '  leading and trailing  ',
  '-n',
  '!history',
  '\t',
  '&& touch PWNED4 ||',
  'ümlaut ✓',
];

function runShell(shell: string, script: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(shell, ['-c', script], { cwd, timeout: 10_000, encoding: 'utf8' }, (err, stdout) =>
      err ? reject(err) : resolve(stdout),
    );
  });
}

describe('POSIX single-quote escaping', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir('runlog-quote-');
  });
  afterAll(async () => dir.cleanup());

  it.each(['sh', 'bash'])('%s receives every hostile word exactly and runs none of it', async (shell) => {
    const out = await runShell(shell, `printf '%s\\0' ${shellQuoteArgv(HOSTILE)}`, dir.path);
    expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
    for (const n of [1, 2, 3, 4]) await expect(readFile(join(dir.path, `PWNED${n}`))).rejects.toThrow();
  });

  it('quotes the empty string as a word and refuses NUL', () => {
    expect(shellQuote('')).toBe("''");
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });
});

describe('batch script', () => {
  it('renders directives from resources and profile, and the quoted command', async () => {
    const spec = jobSpec('/data/work dir', {
      runId: 'exp/lr sweep',
      idempotencyKey: 'exp/lr sweep#2',
      outputDir: '/data/out 100%',
      argv: ['python', '-c', "print('hi')"],
      resources: {
        cpus: 4,
        memMb: 2048,
        gpus: 1,
        gres: 'token:1',
        timeLimitSec: 3661,
        requeue: false,
        partition: 'gpu',
      },
    });
    const profile = {
      account: 'proj',
      qos: 'high',
      constraint: 'a100',
      extraArgs: ['--exclusive', '--reservation=maint window'],
    };
    expect(sbatchDirectives(spec, profile)).toEqual([
      '#SBATCH --job-name=exp_lr_sweep',
      '#SBATCH --output="/data/out 100%%/slurm-%j.out"',
      '#SBATCH --comment="exp/lr sweep#2"',
      '#SBATCH --partition=gpu',
      '#SBATCH --account=proj',
      '#SBATCH --qos=high',
      '#SBATCH --constraint=a100',
      '#SBATCH --cpus-per-task=4',
      '#SBATCH --mem=2048M',
      '#SBATCH --gres=token:1,gpu:1',
      '#SBATCH --time=0-01:02:00',
      '#SBATCH --no-requeue',
      '#SBATCH --exclusive',
      '#SBATCH --reservation="maint window"',
    ]);
    const script = renderBatchScript(await readFile(defaultTemplatePath(), 'utf8'), spec, profile);
    expect(script.startsWith('#!/bin/bash\n#SBATCH --job-name=exp_lr_sweep\n')).toBe(true);
    expect(script).toContain(`\ncd '/data/work dir' || exit 97\n'python' '-c' 'print('\\''hi'\\'')'\n`);
    expect(script).toContain(`runlog_exit_file='/data/out 100%'/exit-"\${SLURM_JOB_ID:-unknown}".code`);
    expect(script).not.toMatch(/\{\{/);
  });

  it('refuses values an #SBATCH line cannot carry', () => {
    const spec = jobSpec('/w', { argv: [], outputDir: '/out/"x"', resources: { partition: 'a\nb' } });
    const problems = scriptProblems(spec, { extraArgs: ['exclusive'] });
    expect(problems).toEqual([
      'the command is empty',
      'outputDir contains a double quote, backslash or line break, which an #SBATCH line cannot carry: "/out/\\"x\\""',
      'partition contains a double quote, backslash or line break, which an #SBATCH line cannot carry: "a\\nb"',
      'profile extraArgs entries must be sbatch options starting with \'-\': "exclusive"',
    ]);
  });

  it('names jobs safely and rounds time limits up to minutes', () => {
    expect(jobNameFor('group/run-1 (b)')).toBe('group_run-1__b_');
    expect(slurmTime(1)).toBe('0-00:01:00');
    expect(slurmTime(60)).toBe('0-00:01:00');
    expect(slurmTime(61)).toBe('0-00:02:00');
    expect(slurmTime(2 * 86400 + 3600)).toBe('2-01:00:00');
  });
});

// Lines below are real Slurm 22.05 output (see /work/shared/slurm/FACTS.md).
describe('parsing Slurm output', () => {
  it('maps squeue rows, keeping the reason and decoding the wait status', () => {
    const rows = parseSqueue(
      [
        '2|FAILED|768|0|localhost|2026-11-22T17:36:21|2026-11-22T17:36:25|debug|2|N/A|NonZeroExitCode|',
        '3|TIMEOUT|15|0|localhost|2026-11-22T17:36:25|2026-11-22T17:37:38|debug|3|N/A|TimeLimit|',
        '5|PENDING|0|0||N/A|N/A|debug|5|N/A|JobHeldUser|',
        '9|PENDING|0|1||N/A|N/A|debug|9|N/A|BeginTime|',
        '12|PENDING|0|0||N/A|N/A|debug|12|N/A|ReqNodeNotAvail, UnavailableNodes:localhost|',
        // Array tasks: a running task has its own JobID, a pending one shows the array's.
        '32|FAILED|768|0|localhost|2026-12-07T19:45:40|2026-12-07T19:45:41|debug|30|1|NonZeroExitCode|',
        '30|PENDING|0|0||N/A|N/A|debug|30|3|JobArrayTaskLimit|',
      ].join('\n'),
    );
    const [failed, timeout, held, requeued, notAvail, task, pendingTask] = rows.map((r) => observationFromSqueue(r));
    expect(failed).toMatchObject({
      jobId: '2',
      phase: 'failed',
      exitCode: 3,
      reason: 'NonZeroExitCode',
      node: 'localhost',
      startedAt: '2026-11-22T17:36:21Z',
      endedAt: '2026-11-22T17:36:25Z',
    });
    expect(failed?.evidence).toBe(
      'squeue: 2|FAILED|768|0|localhost|2026-11-22T17:36:21|2026-11-22T17:36:25|debug|2|N/A|NonZeroExitCode',
    );
    expect(task).toMatchObject({ jobId: '30_1', phase: 'failed', exitCode: 3 });
    expect(pendingTask).toMatchObject({ jobId: '30_3', phase: 'queued', reason: 'JobArrayTaskLimit' });
    expect(timeout).toMatchObject({ phase: 'timed_out', signal: 'SIGTERM' });
    expect(timeout?.exitCode).toBeUndefined();
    expect(held).toMatchObject({ phase: 'queued', reason: 'JobHeldUser', neverStarts: true });
    expect(held?.node).toBeUndefined();
    expect(requeued).toMatchObject({ phase: 'queued', restarts: 1, reason: 'BeginTime' });
    expect(requeued?.neverStarts).toBeUndefined();
    expect(notAvail).toMatchObject({ phase: 'queued', reason: 'ReqNodeNotAvail, UnavailableNodes:localhost' });
    expect(notAvail?.neverStarts).toBeUndefined();
  });

  it('maps sacct job rows and drops placeholders', () => {
    const rows = parseSacct(
      [
        '2|fail3|FAILED|3:0|localhost|2026-11-22T17:36:21|2026-11-22T17:36:25|None',
        '3|timeout|TIMEOUT|0:0|localhost|2026-11-22T17:36:25|2026-11-22T17:37:38|None',
        '4|tocancel|CANCELLED by 0|0:0|localhost|2026-11-22T17:36:29|2026-11-22T17:36:34|None',
        '8|nf|NODE_FAIL|0:0|localhost|2026-11-22T17:37:48|2026-11-22T17:38:38|None',
        '7|toobig|PENDING|0:0|None assigned|Unknown|Unknown|PartitionConfig',
      ].join('\n'),
    );
    const obs = rows.map((r) => observationFromSacct(r));
    expect(obs.map((o) => o.phase)).toEqual(['failed', 'timed_out', 'canceled', 'node_failure', 'queued']);
    expect(obs[0]?.exitCode).toBe(3);
    expect(obs[1]?.exitCode).toBeUndefined();
    expect(obs[4]).toMatchObject({ neverStarts: true, reason: 'PartitionConfig' });
    expect(obs[4]?.node).toBeUndefined();
    expect(
      observationFromSacct(parseSacct('4|x|CANCELLED by 0|0:0|localhost|a|b|None')[0]!, { preemptedInOutput: true })
        .phase,
    ).toBe('preempted');
  });

  it('knows every end state and the pending reasons that never resolve', () => {
    expect(
      ['PREEMPTED', 'OUT_OF_MEMORY', 'NODE_FAIL', 'COMPLETING', 'CANCELLED by 1000', 'DEADLINE', 'BOGUS'].map((s) =>
        phaseOf(s),
      ),
    ).toEqual(['preempted', 'oom', 'node_failure', 'running', 'canceled', 'timed_out', 'unknown']);
    expect(
      ['PartitionConfig', 'PartitionNodeLimit', 'JobHeldUser', 'Resources', 'Priority', 'None'].map(neverStarts),
    ).toEqual([true, true, true, false, false, false]);
  });

  it('reads scontrol lines whose values hold spaces, GRES lists and durations', () => {
    const node = parseScontrolLine(
      'NodeName=localhost Arch=x86_64 CPUTot=2 Gres=gpu:a100:4(S:0-1),token:2 OS=Linux 6.1 #1 SMP  RealMemory=24105 Partitions=debug,gpu',
    );
    expect(node.get('OS')).toBe('Linux 6.1 #1 SMP');
    expect(node.get('RealMemory')).toBe('24105');
    expect([...parseGres(node.get('Gres'))]).toEqual([
      ['gpu:a100', 4],
      ['token', 2],
    ]);
    expect(
      [1, 2, 3, 4, 5].map((i) =>
        parseSlurmDuration(['30', '1:30', '2:00:00', '1-00:00:00', 'UNLIMITED'][i - 1] as string),
      ),
    ).toEqual([1800, 90, 7200, 86400, Number.POSITIVE_INFINITY]);
  });

  it('classifies transport failures, not Slurm refusals', () => {
    expect(transportProblem('slurm_load_jobs error: Unable to contact slurm controller (connect failure)\n')).toMatch(
      /Unable to contact/,
    );
    expect(transportProblem('sacct: error: Problem talking to the database: Connection refused')).toMatch(/database/);
    expect(
      transportProblem('squeue: error: Munge encode failed: Failed to access "/run/munge/munge.socket.2"'),
    ).toMatch(/Munge/);
    expect(
      transportProblem('sbatch: error: Batch job submission failed: Invalid partition name specified'),
    ).toBeUndefined();
    expect(
      jsonProblem(
        '{"errors":[{"description":"Failed while looking for jobs","error_number":-1,"error":"Unspecified error","source":"slurm_load_jobs"}],"jobs":[]}',
      ),
    ).toMatch(/slurm_load_jobs: Failed while looking for jobs/);
    expect(jsonProblem('{"errors":[],"jobs":[]}')).toBeUndefined();
  });
});
