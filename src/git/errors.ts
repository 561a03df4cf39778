/**
 * The one translation of git's failures into runlog errors: what git said
 * (its stderr, or the reason it never ran) becomes a code and a hint a user
 * can act on. A git failure is an external fault, not a bug in runlog; what
 * is not recognised here is GIT_FAILED with git's own words, never INTERNAL.
 */
import type { ErrorCode, ErrorKind } from '../core/errors.js';

export interface GitFailure {
  kind: ErrorKind;
  code: ErrorCode;
  message: string;
  hint: string;
}

/** Why git did not answer normally: it failed, could not be started, or ran past its deadline. */
export type GitFault =
  | { type: 'exit'; stderr: string }
  | { type: 'spawn'; errno: string; message: string }
  | { type: 'timeout'; ms: number };

const NETWORK_VERBS = new Set(['fetch', 'push', 'pull', 'ls-remote', 'clone']);

/** The last lines of git's stderr that say something (not hints, not progress). */
export function gitSaid(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^(fatal|error):\s*/, '').trim())
    .filter((l) => l !== '' && !/^hint:/.test(l));
  return lines.slice(-3).join(' | ');
}

export function translateGitFault(args: readonly string[], cwd: string, fault: GitFault): GitFailure {
  const verb = args.find((a) => !a.startsWith('-')) ?? 'git';
  const command = `git ${verb}`;
  if (fault.type === 'spawn') {
    if (fault.errno === 'ENOENT') {
      return {
        kind: 'failed',
        code: 'GIT_NOT_FOUND',
        message: `git is not installed or not on PATH (${command} could not start)`,
        hint: 'install git (https://git-scm.com) and make sure `git --version` works in this shell',
      };
    }
    if (fault.errno === 'ENOSPC') return diskFull(command);
    return {
      kind: 'failed',
      code: 'GIT_FAILED',
      message: `${command} could not start: ${fault.message}`,
      hint: 'check that git runs in this shell (`git --version`) and that the repository is readable',
    };
  }
  if (fault.type === 'timeout') {
    const seconds = Math.round(fault.ms / 100) / 10;
    if (NETWORK_VERBS.has(verb)) {
      return {
        kind: 'push',
        code: 'REMOTE_TIMEOUT',
        message: `${command} got no answer from the remote within ${seconds} s and was stopped`,
        hint: 'the local commit is kept; `runlog sync` pushes it when the remote answers (raise git.timeout in runlog.config.yaml for a slow link)',
      };
    }
    return {
      kind: 'failed',
      code: 'GIT_TIMEOUT',
      message: `${command} did not finish within ${seconds} s and was stopped`,
      hint: `run \`${command}\` in ${cwd} yourself to see what it waits for (a credential prompt, a signing key, a hook), or raise git.timeout in runlog.config.yaml`,
    };
  }
  const said = gitSaid(fault.stderr);
  const err = fault.stderr;
  if (
    /Please tell me who you are|unable to auto-detect email address|empty ident name|no email was given and auto-detection is disabled|no name was given and auto-detection is disabled/i.test(
      err,
    )
  ) {
    return {
      kind: 'failed',
      code: 'GIT_IDENTITY_MISSING',
      message: `git does not know who you are, so ${command} cannot record an author`,
      hint: 'set it once: `git config --global user.name "Your Name"` and `git config --global user.email you@example.com` (drop --global for this repository only); then run the command again',
    };
  }
  if (/No space left on device|ENOSPC|disk quota exceeded/i.test(err)) return diskFull(command);
  const indexLock = /Unable to create '([^']*index\.lock)': File exists/i.exec(err);
  if (indexLock) {
    return {
      kind: 'failed',
      code: 'INDEX_LOCKED',
      message: `another git process holds ${indexLock[1]} (or one crashed and left it)`,
      hint: `wait for the other git command to finish; if none is running, remove ${indexLock[1]} and run the command again`,
    };
  }
  if (/not a git repository/i.test(err)) {
    return {
      kind: 'failed',
      code: 'NOT_A_GIT_REPO',
      message: `${cwd} is not inside a git repository (${said})`,
      hint: 'run `runlog init` (it creates the repository) or `git init` there',
    };
  }
  if (/Permission denied|Read-only file system/i.test(err) && !NETWORK_VERBS.has(verb)) {
    return {
      kind: 'failed',
      code: 'GIT_PERMISSION_DENIED',
      message: `${command} cannot write the repository: ${said}`,
      hint: 'check the ownership and permissions of the repository and its .git folder',
    };
  }
  if (/beyond a symbolic link/i.test(err)) {
    return {
      kind: 'failed',
      code: 'SYMLINK_IN_LEDGER',
      message: `${command} refused a path behind a symbolic link: ${said}`,
      hint: 'replace the linked folder with a real one (`git rm` the link, commit), then run the command again',
    };
  }
  return {
    kind: 'failed',
    code: 'GIT_FAILED',
    message: `${command} failed: ${said || 'no message'}`,
    hint: `git's words above say why; \`git status\` in ${cwd} shows the repository's state`,
  };
}

function diskFull(command: string): GitFailure {
  return {
    kind: 'failed',
    code: 'DISK_FULL',
    message: `${command} failed: no space left on the device`,
    hint: 'free some disk space (or quota) and run the command again; nothing was lost',
  };
}
