/**
 * `runlog campaign cancel <id> --reason`: stop every running entry through
 * its executor (a Slurm array with one scancel), cancel every queued one,
 * and record it all, with the campaign halted and why, in one commit.
 */
import type { CommandOutput } from '../../cli/output.js';
import { ACTIVE } from '../../campaigns/schedule.js';
import { openLedger } from '../../git/ledger-repo.js';
import { createContext } from '../../jobs/context.js';
import { stopWave } from '../../jobs/wave.js';
import { commit } from '../../ledger/commit.js';
import { campaignSummary, resolveCampaign } from '../../ledger/read/campaigns.js';
import type { CampaignCancelOut } from '../../schemas/output.js';

export async function campaignCancel(input: {
  campaign: string;
  reason: string;
  graceMs?: number;
  ledger?: string;
  push: boolean;
}): Promise<CommandOutput<CampaignCancelOut>> {
  const ledger = openLedger({ ledger: input.ledger });
  const c = resolveCampaign(ledger, input.campaign);
  const s = campaignSummary(ledger, c);
  const ctx = createContext(ledger, { push: input.push });
  const active = s.runs.filter((r) => ACTIVE.has(r.state)).map((r) => r.id);
  const pending = s.runs.filter((r) => r.state === 'pending').map((r) => r.id);
  const reason = `campaign cancelled: ${input.reason}`;
  const ends = await stopWave(ctx, active, reason, input.graceMs);
  const tx = await commit(
    ledger,
    {
      kind: 'batch',
      args: {
        subject: `${c.id}: cancel (${ends.length} stopped, ${pending.length} queued)`,
        ops: [
          ...ends,
          { kind: 'campaign-halt', args: { campaign: c.id, reason, at: new Date().toISOString(), runs: pending } },
        ],
      },
    },
    { push: input.push },
  );
  return {
    result: { id: c.id, stopped: ends.map((e) => e.run!), canceled: pending, commit: tx.commit, pushed: tx.pushed },
    human: [
      `${c.id}: stopped ${ends.length} running entr${ends.length === 1 ? 'y' : 'ies'}, cancelled ${pending.length} queued; nothing new starts (\`runlog campaign resume ${c.id}\` starts them again)`,
    ],
    pushError: tx.pushError,
  };
}
