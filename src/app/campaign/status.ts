/**
 * `runlog campaign status`: the campaign recomputed now from its run logs
 * (counts by state and failure class, one line per entry, artifact
 * completeness, the W&B gate). `--json` is the summary.json document as of
 * now. A failed strict W&B gate makes the answer "no" (exit 1).
 */
import type { CommandOutput } from '../../cli/output.js';
import { artifactsLine, classesLine, gateLine, progressLine } from '../../campaigns/campaign-md.js';
import { existsSync } from 'node:fs';
import { localPlanFile } from '../../campaigns/paths.js';
import { keyMetricName, type Summary } from '../../campaigns/summary.js';
import { openLedger } from '../../git/ledger-repo.js';
import { campaignSummary, resolveCampaign } from '../../ledger/read/campaigns.js';

function entryLine(r: Summary['runs'][number], width: number, key: string | null): string {
  const parts = [
    r.entry.padEnd(width),
    r.state.padEnd(16),
    (r.failure_class && r.state !== 'completed' ? r.failure_class : '').padEnd(17),
    `attempt ${r.attempts}`,
  ];
  if (key && r.metrics[key] !== undefined) parts.push(`${key} ${r.metrics[key]}`);
  if (r.wandb_gate.startsWith('failed') || r.wandb_gate.startsWith('unreadable')) parts.push(r.wandb_gate);
  return parts.join('  ').trimEnd();
}

export async function campaignStatus(input: {
  campaign: string;
  ledger?: string;
  json: boolean;
}): Promise<CommandOutput<Summary>> {
  const ledger = openLedger({ ledger: input.ledger });
  const c = resolveCampaign(ledger, input.campaign);
  const s = campaignSummary(ledger, c);
  const warnings: string[] = [];
  if (!existsSync(localPlanFile(ledger.gitDir, c.id)))
    warnings.push(
      `${c.id} was launched from another clone: this machine's supervisor will not start its entries (run \`runlog campaign launch <manifest>\` here to take it over)`,
    );
  const gateFailed = s.wandb_gate.failed > 0;
  const human: string[] = [];
  if (!input.json) {
    const key = keyMetricName(s);
    const width = Math.max(5, ...s.runs.map((r) => r.entry.length));
    human.push(
      `${s.campaign}: ${s.runs.length} runs, ${s.executor}, max_parallel ${s.max_parallel}`,
      `runs: ${progressLine(s) || 'none'}`,
      `failures: ${classesLine(s) || 'none'}`,
      `artifacts ${artifactsLine(s)}`,
      `W&B gate: ${gateLine(s)}`,
    );
    if (s.halted) human.push(`halted ${s.halted.at}: ${s.halted.reason}`);
    human.push('', ...s.runs.map((r) => entryLine(r, width, key)));
  }
  return { result: s, human, warnings, exitCode: gateFailed ? 1 : undefined };
}
