/** `runlog init`: make a directory a ledger (and a git repo when it is not one). */
import { existsSync, mkdirSync } from 'node:fs';
import { ConfigSchema, loadConfig, CONFIG_FILE } from '../config/config.js';
import { failed } from '../core/errors.js';
import { Git, findGitDir } from '../git/git.js';
import type { Ledger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import { join } from 'node:path';

export async function initLedger(root: string, opts: { remote?: string; push: boolean }, exists = existsSync) {
  mkdirSync(root, { recursive: true });
  let found = findGitDir(root);
  const git = new Git(root);
  if (!found) {
    await git.run(['init', '-q', '-b', 'main']);
    found = findGitDir(root)!;
  }
  const config = exists(join(root, CONFIG_FILE)) ? loadConfig(root) : ConfigSchema.parse({});
  if (opts.remote) {
    const current = await git.remoteUrl(config.remote);
    if (current === null) await git.run(['remote', 'add', config.remote, opts.remote]);
    else if (current !== opts.remote) {
      throw failed('REMOTE_MISMATCH', `remote ${config.remote} already points at ${current}`, `change it with \`git remote set-url ${config.remote} ${opts.remote}\`, or drop --remote`);
    }
  }
  const ledger: Ledger = { root, config, gitTop: found.top, gitDir: found.gitDir, git };
  const tx = await commit<{ created: string[] }>(ledger, { kind: 'init', args: {} }, { push: opts.push });
  const remote = await git.remoteUrl(config.remote);
  if (tx.pushed) await git.tryRun(['branch', '-q', '--set-upstream-to', `${config.remote}/${await git.branch()}`]);
  return { root, created: tx.result.created, remote, commit: tx.commit, pushed: tx.pushed, pushError: tx.pushError };
}
