/**
 * A ledger opened for work: its root, settings and the git repository it
 * lives in (the ledger may be a subfolder of a bigger repo).
 */
import { findLedgerRoot, loadConfig, type LedgerConfig } from '../config/config.js';
import { readInside } from '../core/confined-fs.js';
import { failed } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import { Git, findGitDir } from './git.js';

export interface Ledger {
  root: string;
  config: LedgerConfig;
  gitTop: string;
  gitDir: string;
  git: Git;
}

export function openLedger(opts: { cwd?: string; ledger?: string } = {}): Ledger {
  const root = findLedgerRoot(opts.cwd ?? process.cwd(), opts.ledger);
  const config = loadConfig(root);
  const found = findGitDir(root);
  if (!found)
    throw failed(
      'NOT_A_GIT_REPO',
      `${root} is not inside a git repository`,
      'run `runlog init` (it creates the repository) or `git init` there',
    );
  return {
    root,
    config,
    gitTop: found.top,
    gitDir: found.gitDir,
    git: new Git(root, { timeoutMs: gitTimeoutMs(config) }),
  };
}

/** `git.timeout` from the config: a duration (`30s`, `2m`) or a number of seconds. */
export function gitTimeoutMs(config: LedgerConfig): number {
  const t = config.git.timeout;
  const ms = typeof t === 'number' ? t * 1000 : parseDuration(t, 'git.timeout');
  if (!(ms > 0))
    throw failed(
      'BAD_CONFIG',
      'runlog.config.yaml: git.timeout must be longer than zero',
      'every git call needs a deadline; use e.g. 45s',
    );
  return ms;
}

/** The ledger as an operation sees it: its root, its settings and the files as they are now. */
export interface LedgerView {
  root: string;
  config: LedgerConfig;
  /** Current content of a ledger file, or null when absent. */
  read(path: string): string | null;
}

/** The files as they are now, read inside the ledger only (see core/confined-fs). */
export function ledgerView(ledger: Pick<Ledger, 'root' | 'config'>): LedgerView {
  return { root: ledger.root, config: ledger.config, read: (p) => readInside(ledger.root, p) };
}
