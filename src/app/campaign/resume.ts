/**
 * `runlog campaign resume`: give a new attempt to the entries that never
 * finished for a reason of their own (cancelled, lost, stalled out, timed
 * out, transient retries spent, refused by preflight) and, with
 * --include-failed, to those that failed (after a fix outside the
 * manifest). Completed entries never run again. One commit; the supervisor
 * launches them within max_parallel. `--max-parallel` changes the limit in
 * force (the frozen manifest keeps the original) and the throttle of live
 * Slurm arrays.
 */
import type { CommandOutput } from '../../cli/output.js';
import { loadLocalPlan, saveLocalPlan } from '../../campaigns/local-plan.js';
import { ACTIVE } from '../../campaigns/schedule.js';
import { isFailure } from '../../campaigns/summary.js';
import { failed } from '../../core/errors.js';
import type { RunState } from '../../core/lifecycle.js';
import { isoSeconds } from '../../core/time.js';
import { openLedger } from '../../git/ledger-repo.js';
import { createContext } from '../../jobs/context.js';
import { code, idempotencyKey } from '../../jobs/attempt.js';
import { liveArrays } from '../../jobs/wave.js';
import { commit } from '../../ledger/commit.js';
import { campaignSummary, resolveCampaign } from '../../ledger/read/campaigns.js';
import type { CampaignResumeOut } from '../../schemas/output.js';

/** Endings a resume starts again by default; command_failed only when asked. */
const RESUMABLE: ReadonlySet<RunState> = new Set([
  'canceled',
  'worker_lost',
  'timed_out',
  'retry_exhausted',
  'validation_failed',
]);

export interface CampaignResumeInput {
  campaign: string;
  includeFailed: boolean;
  maxParallel?: number;
  ledger?: string;
  push: boolean;
}

export async function campaignResume(input: CampaignResumeInput): Promise<CommandOutput<CampaignResumeOut>> {
  const ledger = openLedger({ ledger: input.ledger });
  const c = resolveCampaign(ledger, input.campaign);
  const plan = loadLocalPlan(ledger.gitDir, c.id);
  if (!plan) {
    throw failed(
      'CAMPAIGN_NOT_LOCAL',
      `${c.id} was not launched from this clone, so its commands are not here`,
      'run `runlog campaign launch <the same manifest>` in this clone first: it finds the same campaign, writes nothing to the ledger and keeps the launch plan here',
    );
  }
  const s = campaignSummary(ledger, c);
  const at = new Date();
  const picked = s.runs.filter((r) => RESUMABLE.has(r.state) || (input.includeFailed && r.state === 'command_failed'));
  const acknowledge = s.runs.filter((r) => isFailure(r.state) && !picked.includes(r)).map((r) => r.entry);
  const runs = picked.map((r) => ({
    run: r.id,
    key: idempotencyKey(r.id, r.attempts + 1),
    label: 'resumed',
    fields: [
      ['scheduled_by', 'operator'],
      ['not_before', code(isoSeconds(at))],
    ] as [string, string][],
  }));
  const ops: { kind: string; args: Record<string, unknown> }[] = [];
  if (runs.length > 0 || s.halted || acknowledge.some((e) => !s.acknowledged_failures.includes(e))) {
    ops.push({ kind: 'campaign-resume', args: { campaign: c.id, at: at.toISOString(), runs, acknowledge } });
  }
  let throttled: string[] = [];
  const maxParallel = input.maxParallel ?? plan.maxParallel;
  if (input.maxParallel !== undefined && input.maxParallel !== plan.maxParallel) {
    saveLocalPlan(ledger.gitDir, { ...plan, maxParallel: input.maxParallel });
    ops.push({ kind: 'campaign-set', args: { campaign: c.id, maxParallel: input.maxParallel, at: at.toISOString() } });
    const active = s.runs.filter((r) => ACTIVE.has(r.state)).map((r) => r.id);
    const ctx = createContext(ledger, { push: input.push });
    throttled = await liveArrays(ctx, active, input.maxParallel);
  }
  const tx =
    ops.length === 0
      ? null
      : await commit(
          ledger,
          {
            kind: 'batch',
            args: {
              subject: `${c.id}: resume ${runs.length} run(s)${input.maxParallel !== undefined ? `, max_parallel ${maxParallel}` : ''}`,
              ops,
            },
          },
          { push: input.push },
        );
  const resumed = picked.map((r) => ({ entry: r.entry, id: r.id, from: r.state }));
  return {
    result: {
      id: c.id,
      resumed,
      acknowledged: acknowledge,
      maxParallel,
      throttled,
      commit: tx?.commit ?? null,
      pushed: tx?.pushed ?? false,
    },
    human: [
      resumed.length > 0
        ? `${c.id}: ${resumed.length} entr${resumed.length === 1 ? 'y' : 'ies'} queued again: ${resumed.map((r) => `${r.entry} (was ${r.from})`).join(', ')}`
        : `${c.id}: nothing to resume${acknowledge.length > 0 ? ` (failed: ${acknowledge.join(', ')}; --include-failed reruns them)` : ''}`,
      ...(throttled.length > 0
        ? [`max_parallel ${maxParallel}: throttle updated on Slurm array(s) ${throttled.join(', ')}`]
        : input.maxParallel !== undefined
          ? [`max_parallel ${maxParallel}`]
          : []),
      ...(resumed.length > 0 ? ['`runlog supervise` launches them'] : []),
    ],
    pushError: tx?.pushError,
  };
}
