/**
 * The script a command runs: declared in the run log's Config (`script:`),
 * or the first argument that looks like a program file. Interpreters
 * (`python`, `node`, `bash`) on PATH are not the script; what they run is.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { trackedAt } from './git-tree.js';
import type { PreflightReason } from './types.js';

const SCRIPT_EXT = /\.(?:py|sh|bash|mjs|cjs|js|ts|jl|r|rb|pl|lua|sbatch)$/i;

export function scriptOf(argv: readonly string[], declared?: string): string | undefined {
  if (declared && declared !== 'n/a') return declared;
  for (const [i, arg] of argv.entries()) {
    if (arg.startsWith('-')) continue;
    if (SCRIPT_EXT.test(arg)) return arg;
    if (i === 0 && arg.includes('/')) return arg;
  }
  return undefined;
}

export async function checkScript(
  script: string,
  cwd: string,
  git: { top: string; sha: string | null } | undefined,
): Promise<PreflightReason[]> {
  const abs = isAbsolute(script) ? script : resolve(cwd, script);
  if (!existsSync(abs) || !statSync(abs).isFile())
    return [{ rule: 'script', message: `script ${script} does not exist (looked at ${abs})` }];
  if (!git || git.sha === null)
    return [
      {
        rule: 'script',
        message: `script ${script} is not in a git repository with a commit, so the launched code cannot be traced`,
      },
    ];
  const rel = relative(git.top, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) return [];
  const posix = rel.split(sep).join('/');
  if (!(await trackedAt(git.top, git.sha, posix))) {
    return [
      {
        rule: 'script',
        message: `script ${posix} is not tracked at commit ${git.sha.slice(0, 12)}; commit it so the run can be traced to its code`,
      },
    ];
  }
  return [];
}
