/**
 * `runlog report`: the fleet view across campaigns, grouped by failure
 * class, state or campaign, from the stored summaries (each rewritten in the
 * commit of every state change of its runs).
 */
import type { CommandOutput } from '../cli/output.js';
import { usageError } from '../core/errors.js';
import { parseDateFlag } from '../core/time.js';
import { openLedger } from '../git/ledger-repo.js';
import { storedSummaries } from '../ledger/read/campaigns.js';
import { isFailure } from '../campaigns/summary.js';
import type { ReportOut } from '../schemas/output.js';

export const REPORT_BY = ['failure-class', 'state', 'campaign'] as const;
export type ReportBy = (typeof REPORT_BY)[number];

interface Group {
  key: string;
  runs: number;
  campaigns: string[];
  entries: string[];
}

export async function report(input: {
  since?: string;
  by?: string;
  ledger?: string;
  json: boolean;
}): Promise<CommandOutput<ReportOut>> {
  const by = (input.by ?? 'failure-class') as ReportBy;
  if (!REPORT_BY.includes(by))
    throw usageError(
      'BAD_FLAG',
      `--by ${JSON.stringify(input.by)} is not a grouping`,
      `use one of: ${REPORT_BY.join(', ')}`,
    );
  const since = input.since === undefined ? undefined : parseDateFlag(input.since, '--since');
  const ledger = openLedger({ ledger: input.ledger });
  const summaries = storedSummaries(ledger).filter((s) => since === undefined || s.created.slice(0, 10) >= since);
  const groups = new Map<string, Group>();
  const add = (key: string, campaign: string, entry?: string) => {
    const g = groups.get(key) ?? { key, runs: 0, campaigns: [], entries: [] };
    g.runs++;
    if (!g.campaigns.includes(campaign)) g.campaigns.push(campaign);
    if (entry && g.entries.length < 20) g.entries.push(entry);
    groups.set(key, g);
  };
  let runs = 0;
  let failures = 0;
  for (const s of summaries) {
    for (const r of s.runs) {
      runs++;
      if (isFailure(r.state)) failures++;
      if (by === 'state') add(r.state, s.campaign);
      else if (by === 'campaign') add(s.campaign, s.campaign);
      else if (isFailure(r.state)) add(r.failure_class ?? 'unknown', s.campaign, `${s.campaign}/${r.entry}`);
    }
  }
  const list = [...groups.values()].sort((a, b) => b.runs - a.runs || (a.key < b.key ? -1 : 1));
  const human: string[] = [];
  if (!input.json) {
    human.push(
      `${summaries.length} campaign(s), ${runs} run(s), ${failures} failed${since ? ` since ${since}` : ''}; by ${by}:`,
    );
    const w = Math.max(6, ...list.map((g) => g.key.length));
    for (const g of list)
      human.push(
        `  ${g.key.padEnd(w)}  ${String(g.runs).padStart(6)}  ${by === 'campaign' ? '' : `in ${g.campaigns.length} campaign(s)`}${g.entries.length > 0 ? `: ${g.entries.slice(0, 3).join(', ')}${g.entries.length > 3 ? ', …' : ''}` : ''}`.trimEnd(),
      );
    if (list.length === 0) human.push(by === 'failure-class' ? '  no failures' : '  nothing yet');
  }
  return { result: { by, since: since ?? null, campaigns: summaries.length, runs, failures, groups: list }, human };
}
