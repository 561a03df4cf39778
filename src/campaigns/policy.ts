/**
 * A campaign's policy: how many runs at once, what a failure does to the
 * rest, retries, and the clocks. Every clock has a non-zero default; the only
 * way to run without a wall-clock limit is to write `none`, so a hung run
 * can never block a campaign by accident.
 */
import { parseDuration } from '../core/time.js';

export const STALL_ACTIONS = ['retry', 'resume', 'fail'] as const;
export type CampaignStallAction = (typeof STALL_ACTIONS)[number];

/** The policy as frozen: durations as written (`72h`, `none`), so the manifest reads like the user's. */
export interface FrozenPolicy {
  max_parallel: number;
  fail_fast: boolean;
  /** Budget for user-visible transient failures (network, NCCL timeouts). */
  retries: number;
  /** Separate budget for preemption and node failure: the user's code is not at fault. */
  infra_retries: number;
  timeout: string;
  task_timeout: string;
  heartbeat: string;
  stall_action: CampaignStallAction;
  backoff: string;
  backoff_max: string;
}

/** Keys an entry may override; the rest are the campaign's alone. */
export const ENTRY_POLICY_KEYS = [
  'retries',
  'infra_retries',
  'timeout',
  'task_timeout',
  'heartbeat',
  'stall_action',
] as const;
export type EntryPolicy = Partial<Pick<FrozenPolicy, (typeof ENTRY_POLICY_KEYS)[number]>>;

export const DEFAULT_POLICY: FrozenPolicy = {
  max_parallel: 4,
  fail_fast: false,
  retries: 2,
  infra_retries: 5,
  timeout: '72h',
  task_timeout: '2h',
  heartbeat: '30m',
  stall_action: 'retry',
  backoff: '30s',
  backoff_max: '30m',
};

/** Keys whose value may be `none` (no limit); the heartbeat and backoff always have one. */
export const NONE_ALLOWED = new Set(['timeout', 'task_timeout']);

/** Milliseconds, or null for `none`. */
export function durationMs(value: string, key: string): number | null {
  if (value === 'none') return null;
  return parseDuration(value, key);
}

/** The clocks and budgets of one entry's attempts, resolved. */
export interface EntryClocks {
  /** Wall-clock limit per attempt; null = `none` written by the user. */
  timeoutMs: number | null;
  heartbeatMs: number;
  retries: number;
  infraRetries: number;
  stallAction: CampaignStallAction;
  backoffMs: number;
  backoffMaxMs: number;
}

export function entryClocks(
  policy: FrozenPolicy,
  overrides: EntryPolicy | undefined,
  kind: 'run' | 'task',
): EntryClocks {
  const p = { ...policy, ...overrides };
  return {
    timeoutMs: durationMs(kind === 'task' ? p.task_timeout : p.timeout, kind === 'task' ? 'task_timeout' : 'timeout'),
    heartbeatMs: durationMs(p.heartbeat, 'heartbeat')!,
    retries: p.retries,
    infraRetries: p.infra_retries,
    stallAction: p.stall_action,
    backoffMs: durationMs(p.backoff, 'backoff')!,
    backoffMaxMs: durationMs(p.backoff_max, 'backoff_max')!,
  };
}
