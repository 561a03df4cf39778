/** `runlog campaign list`: every campaign in the ledger, one line each, from the stored summaries. */
import type { CommandOutput } from '../../cli/output.js';
import { openLedger } from '../../git/ledger-repo.js';
import { listCampaigns } from '../../ledger/read/campaigns.js';
import type { CampaignListOut } from '../../schemas/output.js';

export async function campaignList(input: { ledger?: string; json: boolean }): Promise<CommandOutput<CampaignListOut>> {
  const ledger = openLedger({ ledger: input.ledger });
  const campaigns = listCampaigns(ledger);
  const human: string[] = [];
  if (!input.json) {
    const w = Math.max(8, ...campaigns.map((c) => c.id.length));
    for (const c of campaigns) {
      const counts = Object.entries(c.counts)
        .map(([s, n]) => `${n} ${s}`)
        .join(', ');
      human.push(
        `${c.id.padEnd(w)}  ${(c.created ?? '?').slice(0, 10)}  ${String(c.runs).padStart(5)} runs  ${counts}${c.halted ? `  [halted: ${c.halted}]` : ''}`,
      );
    }
    if (campaigns.length === 0) human.push('no campaigns yet: `runlog campaign launch <manifest>`');
  }
  return { result: { campaigns }, human };
}
