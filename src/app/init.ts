/** `runlog init`: make a directory a ledger (and a git repo when it is not one). */
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { ConfigSchema, loadConfig, CONFIG_FILE } from '../config/config.js';
import { failed } from '../core/errors.js';
import { Git, findGitDir } from '../git/git.js';
import type { Ledger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import { join, resolve } from 'node:path';
import type { CommandOutput } from '../cli/output.js';
import type { InitResult } from '../schemas/output.js';
import type { LedgerInput } from './ledger-input.js';

async function initLedger(root: string, opts: { remote?: string; push: boolean }) {
  mkdirSync(root, { recursive: true });
  let found = findGitDir(root);
  const git = new Git(root);
  if (!found) {
    await git.run(['init', '-q', '-b', 'main']);
    found = findGitDir(root)!;
  }
  const config = existsSync(join(root, CONFIG_FILE)) ? loadConfig(root) : ConfigSchema.parse({});
  if (opts.remote) {
    const current = await git.remoteUrl(config.remote);
    if (current === null) await git.run(['remote', 'add', config.remote, opts.remote]);
    else if (!sameRemote(current, opts.remote, root)) {
      throw failed(
        'REMOTE_MISMATCH',
        `remote ${config.remote} already points at ${current}`,
        `change it with \`git remote set-url ${config.remote} ${opts.remote}\`, or drop --remote`,
      );
    }
  }
  const ledger: Ledger = { root, config, gitTop: found.top, gitDir: found.gitDir, git };
  const tx = await commit<{ created: string[] }>(ledger, { kind: 'init', args: {} }, { push: opts.push });
  const remote = await git.remoteUrl(config.remote);
  if (tx.pushed) await git.tryRun(['branch', '-q', '--set-upstream-to', `${config.remote}/${await git.branch()}`]);
  return { root, created: tx.result.created, remote, commit: tx.commit, pushed: tx.pushed, pushError: tx.pushError };
}

/**
 * Whether two remote URLs name one repository: local paths are compared where
 * they resolve (git reads a relative one from the work tree's top), URLs
 * without a trailing `/` or `.git`.
 */
function sameRemote(a: string, b: string, root: string): boolean {
  const local = (u: string) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(u) && !/^[^/]+:/.test(u);
  const where = (u: string) => {
    const path = resolve(root, u.replace(/^file:\/\//, ''));
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  };
  const bare = (u: string) => u.replace(/\/+$/, '').replace(/\.git$/, '');
  if ((local(a) || a.startsWith('file://')) && (local(b) || b.startsWith('file://')))
    return bare(where(a)) === bare(where(b));
  return bare(a) === bare(b);
}

export interface InitInput extends LedgerInput {
  remote?: string;
}

export async function initService(input: InitInput): Promise<CommandOutput<InitResult>> {
  const { pushError, ...r } = await initLedger(resolve(input.ledger ?? process.cwd()), {
    remote: input.remote,
    push: input.push,
  });
  const human = [
    r.created.length > 0
      ? `initialised ledger in ${r.root} (${r.created.join(', ')})`
      : `ledger in ${r.root} is already initialised`,
  ];
  if (r.commit) human.push(`committed ${r.commit.slice(0, 12)}${r.pushed ? `, pushed to ${r.remote}` : ''}`);
  return { result: r, human, pushError };
}
