/**
 * What a worker receives for an attempt, as one tar stream: the launch
 * commit's tree (`git archive`, so the job never runs on an unrecorded
 * tree), the recorded patch applied for an approved dirty launch, the config
 * snapshot, and run.sh, which enters the tree, exports the job's variables
 * and execs the command. The tree is staged on this machine so the worker
 * needs neither git nor patch, only sh and tar.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { failed, usageError } from '../../core/errors.js';
import { shellQuote, shellQuoteArgv } from '../../core/shell-quote.js';
import type { JobSource } from '../types.js';

export interface HandoffInput {
  source: JobSource;
  /** The job's working directory on this machine; it must lie inside gitTop. */
  cwd: string;
  argv: string[];
  env: Record<string, string>;
}

export interface Handoff {
  tar: Buffer;
  /** The job's directory inside src/ ('' for the top). */
  cwdInTree: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_TAR = 2 * 1024 * 1024 * 1024;

function run(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd, env, encoding: 'buffer', maxBuffer: MAX_TAR, timeout: 10 * 60_000 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            failed(
              'SSH_HANDOFF_FAILED',
              `${cmd} ${args[0]} failed while preparing the handoff: ${stderr.toString('utf8').trim() || err.message}`,
              'check that the launch commit exists and the patch applies to it',
              { cause: err },
            ),
          );
        else resolve(stdout);
      },
    );
  });
}

/** The tree's path of the job's cwd, or an error when the cwd is outside the repository that is handed off. */
export function cwdInTree(gitTop: string, cwd: string): string {
  const rel = relative(gitTop, cwd);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw usageError(
      'SSH_CWD_OUTSIDE_REPO',
      `the job's directory ${cwd} is outside the repository ${gitTop}`,
      'run submit from inside the repository whose code the job runs, or pass --cwd inside it',
    );
  }
  return rel.split(sep).join('/');
}

/** run.sh: every word quoted by the one quoting function; the variables are checked names. */
export function runScript(cwd: string, argv: string[], env: Record<string, string>): string {
  const lines = [
    '# written by runlog: enter the launched tree, set the run variables, run the command',
    `cd ${shellQuote(cwd === '' ? 'src' : `src/${cwd}`)} || exit 126`,
  ];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name))
      throw usageError(
        'BAD_ENV_NAME',
        `${JSON.stringify(name)} is not an environment variable name`,
        'use letters, digits and underscores',
      );
    if (name === 'RUNLOG_OUTPUT_DIR') continue;
    lines.push(`${name}=${shellQuote(value)}; export ${name}`);
  }
  // The attempt's directory on the worker, not the one on the launching machine.
  lines.push('RUNLOG_OUTPUT_DIR=$RUNLOG_ATTEMPT_DIR; export RUNLOG_OUTPUT_DIR');
  lines.push(`exec ${shellQuoteArgv(argv)}`, '');
  return lines.join('\n');
}

function outsideRepoEnv(ceiling: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { GIT_CEILING_DIRECTORIES: ceiling };
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
  return { ...env, GIT_CEILING_DIRECTORIES: ceiling };
}

export async function buildHandoff(input: HandoffInput): Promise<Handoff> {
  const { source } = input;
  const inTree = cwdInTree(source.gitTop, input.cwd);
  const stage = mkdtempSync(join(tmpdir(), 'runlog-handoff-'));
  try {
    const src = join(stage, 'src');
    mkdirSync(src);
    const archive = join(stage, 'tree.tar');
    await run('git', ['archive', '--format=tar', '-o', archive, source.sha], source.gitTop);
    await run('tar', ['-x', '-f', archive, '-C', src], stage);
    rmSync(archive);
    if (source.patchPath) {
      // Outside any repository (the ceiling stops the search at the stage), git apply works on plain files like patch.
      await run('git', ['apply', '--whitespace=nowarn', source.patchPath], src, outsideRepoEnv(stage));
    }
    if (source.configSnapshot) {
      mkdirSync(join(stage, 'config'));
      copyFileSync(source.configSnapshot, join(stage, 'config', basename(source.configSnapshot)));
    }
    writeFileSync(join(stage, 'run.sh'), runScript(inTree, input.argv, input.env), { mode: 0o600 });
    const tar = await run(
      'tar',
      ['-c', '-f', '-', '-C', stage, 'src', 'run.sh', ...(source.configSnapshot ? ['config'] : [])],
      stage,
    );
    return { tar, cwdInTree: inTree };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
