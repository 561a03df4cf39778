import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { failed, type RunlogError } from '../core/errors.js';

export interface ResolveTokenOptions {
  /** Host for `gh auth token --hostname` (GitHub Enterprise); github.com when omitted. */
  hostname?: string;
  /** How long `gh auth token` may take. */
  timeoutMs?: number;
}

/**
 * GH_TOKEN, then GITHUB_TOKEN, then `gh auth token`, the order gh itself uses.
 * The token is returned, never printed or logged.
 */
export async function resolveGitHubToken(
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolveTokenOptions = {},
): Promise<string | null> {
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN'] as const) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  const gh = await findOnPath('gh', env);
  if (!gh) return null;
  return ghAuthToken(gh, env, opts);
}

/** Like resolveGitHubToken, but a missing token is an error that says how to set one. */
export async function requireGitHubToken(
  env: NodeJS.ProcessEnv = process.env,
  opts: ResolveTokenOptions = {},
): Promise<string> {
  const token = await resolveGitHubToken(env, opts);
  if (token === null) throw githubTokenMissing();
  return token;
}

export function githubTokenMissing(): RunlogError {
  return failed(
    'GITHUB_TOKEN_MISSING',
    'no GitHub token: GH_TOKEN and GITHUB_TOKEN are unset and `gh auth token` gave none',
    'export GH_TOKEN=<a token with issues: write on the repository>, or run `gh auth login`',
  );
}

async function findOnPath(name: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function ghAuthToken(gh: string, env: NodeJS.ProcessEnv, opts: ResolveTokenOptions): Promise<string | null> {
  const args = ['auth', 'token'];
  if (opts.hostname) args.push('--hostname', opts.hostname);
  return new Promise((resolve) => {
    execFile(gh, args, { cwd: homedir(), env, timeout: opts.timeoutMs ?? 5000, windowsHide: true }, (err, stdout) => {
      // A gh that is logged out, broken or slow means "no token from gh", not a crash.
      const token = err ? '' : String(stdout).trim();
      resolve(token && !/\s/.test(token) ? token : null);
    });
  });
}
