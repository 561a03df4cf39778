/**
 * Executors by name. Everything an executor needs comes from the ledger's
 * config (and, for Slurm, a `clusters:` profile), so any process — submit,
 * poll, a restarted supervisor — builds the same executor for a Job block.
 *
 * Slurm profiles live in ./slurm-config.ts; SSH hosts in ../config/hosts.ts. `resourceRequest` maps submit
 * flags (--partition/--gres/--time/--account/--qos/--constraint/--no-requeue)
 * onto ResourceRequest.
 */
import type { LedgerConfig } from '../config/config.js';
import { usageError } from '../core/errors.js';
import type { Executor, ResourceRequest } from './types.js';

export const EXECUTOR_NAMES = ['local', 'slurm', 'ssh'] as const;
export type ExecutorName = (typeof EXECUTOR_NAMES)[number];

export { ClusterProfileSchema, clusterProfile, type ClusterProfile } from './slurm/config.js';

export interface ExecutorContext {
  root: string;
  config: LedgerConfig;
  /** A `clusters:` profile name; default: `default_cluster`, or the only profile. */
  cluster?: string;
  /** Local executor only: fake hardware for preflight (tests, dry runs). */
  localOptions?: Omit<import('./local/local-executor.js').LocalExecutorOptions, 'state'>;
}

export function parseExecutorName(name: string): ExecutorName {
  if ((EXECUTOR_NAMES as readonly string[]).includes(name)) return name as ExecutorName;
  throw usageError(
    'UNKNOWN_EXECUTOR',
    `no executor named ${JSON.stringify(name)}`,
    `use one of: ${EXECUTOR_NAMES.join(', ')}`,
  );
}

/** Builds the executor; heavy modules load only when that executor is used. */
export async function getExecutor(name: string, ctx: ExecutorContext): Promise<Executor> {
  switch (parseExecutorName(name)) {
    case 'local': {
      const { LocalExecutor } = await import('./local/index.js');
      const { LocalState } = await import('./state.js');
      return new LocalExecutor({ ...ctx.localOptions, state: LocalState.forLedger(ctx.root) });
    }
    case 'slurm': {
      const { clusterProfile, slurmExecutorOptions } = await import('./slurm/config.js');
      const { SlurmExecutor } = await import('./slurm/index.js');
      return new SlurmExecutor(slurmExecutorOptions(clusterProfile(ctx.config, ctx.cluster).profile, ctx.root));
    }
    case 'ssh': {
      const { SshExecutor, SshStateStore } = await import('./ssh/index.js');
      return new SshExecutor({ config: ctx.config, store: SshStateStore.forLedger(ctx.root) });
    }
  }
}

/** Generic and executor-specific request flags, as `runlog submit` parsed them (unset ones undefined). */
export type ResourceFlags = ResourceRequest;

/** The request an executor sees; fields an executor does not use are left for it to ignore. */
export function resourceRequest(flags: ResourceFlags): ResourceRequest {
  const out: ResourceRequest = {};
  for (const [k, v] of Object.entries(flags) as [keyof ResourceRequest, ResourceRequest[keyof ResourceRequest]][]) {
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  }
  return out;
}
