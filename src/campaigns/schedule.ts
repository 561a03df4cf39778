/**
 * What a supervision pass does with one campaign, decided from its entries'
 * states alone (pure, so every rule is tested without processes or git):
 * halt it (fail_fast saw a failure), launch up to max_parallel of its
 * pending entries, or nothing. Which pending entries are actually due (a
 * retry waits out its backoff) the pass finds by reading them in manifest
 * order, only as many as there are free slots.
 */
import type { RunState } from '../core/lifecycle.js';
import { isFailure } from './summary.js';

/** States that hold a slot: submitted or being submitted, and not ended. */
export const ACTIVE: ReadonlySet<RunState> = new Set(['validating', 'queued', 'running', 'stalled', 'lost']);

export interface EntryView {
  runId: string;
  entry: string;
  state: RunState;
  failureClass: string | null;
}

export interface CampaignView {
  id: string;
  maxParallel: number;
  failFast: boolean;
  halted: boolean;
  acknowledged: readonly string[];
  /** In manifest order. */
  entries: EntryView[];
}

export type CampaignDecision =
  | { kind: 'halt'; reason: string; cancel: string[] }
  | { kind: 'launch'; free: number; candidates: string[]; active: number }
  | { kind: 'none'; why: string; active: number };

export function planCampaign(v: CampaignView): CampaignDecision {
  const active = v.entries.filter((e) => ACTIVE.has(e.state)).length;
  const pending = v.entries.filter((e) => e.state === 'pending');
  if (v.halted) return { kind: 'none', why: 'halted: nothing new starts', active };
  if (v.failFast) {
    const failure = v.entries.find((e) => isFailure(e.state) && !v.acknowledged.includes(e.entry));
    if (failure) {
      const reason = `fail_fast: entry ${failure.entry} ended ${failure.state}${failure.failureClass ? ` (${failure.failureClass})` : ''}; nothing new starts`;
      return { kind: 'halt', reason, cancel: pending.map((e) => e.runId) };
    }
  }
  if (pending.length === 0) return { kind: 'none', why: 'no pending entry', active };
  const free = v.maxParallel - active;
  if (free <= 0) return { kind: 'none', why: `${active} of max_parallel ${v.maxParallel} active`, active };
  return { kind: 'launch', free, candidates: pending.map((e) => e.runId), active };
}
