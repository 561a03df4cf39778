/** `runlog list`: the runs, filtered by state, group, type or failure class. */
import { openLedger } from '../git/ledger-repo.js';
import { listRuns } from '../ledger/read/queries.js';
import type { ListResult } from '../schemas/output.js';
import type { CommandOutput } from '../cli/output.js';

export async function listService(input: {
  state?: string;
  group?: string;
  campaign?: string;
  type?: string;
  class?: string;
  ledger?: string;
  json: boolean;
}): Promise<CommandOutput<ListResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const { runs, diagnostics } = await listRuns(ledger, {
    state: input.state,
    group: input.group,
    campaign: input.campaign,
    type: input.type,
    failureClass: input.class,
  });
  const human: string[] = [];
  if (!input.json) {
    const w = Math.max(10, ...runs.map((r) => r.id.length));
    for (const r of runs)
      human.push(
        `${r.id.padEnd(w)}  ${(r.state + (r.stateInferred ? '*' : '')).padEnd(18)} ${(r.runType ?? '-').padEnd(12)} ${r.updated}`,
      );
    if (runs.some((r) => r.stateInferred)) human.push('* state inferred from the body (no front matter)');
  }
  return {
    result: { runs },
    human,
    warnings: diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message} [${d.rule}]`),
  };
}
