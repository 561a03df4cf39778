/**
 * What every supervise function shares: the ledger, its settings, a way to
 * commit operations through the git transaction, and executors built once
 * per process. Time comes from `now()` so decisions are made against one
 * clock per pass.
 */
import type { Ledger } from '../git/ledger-repo.js';
import type { RunlogError } from '../core/errors.js';
import type { Operation } from '../core/operation.js';
import type { Executor } from '../executors/types.js';
import { LocalState } from '../executors/state.js';
import { commit } from '../ledger/commit.js';
import { getExecutor, type ExecutorContext } from '../executors/registry.js';
import { jobSettings, policySettings, type JobSettings, type PolicySettings } from '../config/jobs.js';

export interface Committed<R> {
  result: R;
  commit: string | null;
}

export interface SuperviseContext {
  ledger: Ledger;
  settings: JobSettings;
  policy: PolicySettings;
  /** What this machine launched: the only source of plans, pids and output paths (never the Job block). */
  state: LocalState;
  push: boolean;
  now(): Date;
  executor(name: string, cluster?: string): Promise<Executor>;
  commit<R>(op: Omit<Operation, 'v'>): Promise<Committed<R>>;
  /** The last push failure (local commits are kept; `runlog sync` pushes later). */
  pushError?: RunlogError;
  /** Commits made through this context, in order. */
  commits: string[];
  /** Commits that were not pushed (no remote, --no-push, or a push failure). */
  unpushed: number;
}

export interface ContextOptions {
  push: boolean;
  now?: () => Date;
  localOptions?: ExecutorContext['localOptions'];
}

export function createContext(ledger: Ledger, opts: ContextOptions): SuperviseContext {
  const executors = new Map<string, Promise<Executor>>();
  const ctx: SuperviseContext = {
    ledger,
    settings: jobSettings(ledger.root, ledger.config),
    policy: policySettings(ledger.config),
    state: LocalState.forLedger(ledger.root),
    push: opts.push,
    now: opts.now ?? (() => new Date()),
    commits: [],
    unpushed: 0,
    executor(name, cluster) {
      const key = `${name}\0${cluster ?? ''}`;
      let e = executors.get(key);
      if (!e) {
        e = getExecutor(name, { root: ledger.root, config: ledger.config, cluster, localOptions: opts.localOptions });
        executors.set(key, e);
      }
      return e;
    },
    async commit<R>(op: Omit<Operation, 'v'>): Promise<Committed<R>> {
      const tx = await commit<R>(ledger, op, { push: opts.push });
      if (tx.pushError) ctx.pushError = tx.pushError;
      if (tx.commit) ctx.commits.push(tx.commit);
      if (tx.commit && !tx.pushed) ctx.unpushed++;
      return { result: tx.result, commit: tx.commit };
    },
  };
  return ctx;
}
