/** `runlog history <run> [--entries]`: the run's commits, and with --entries who wrote each Status entry. */
import { openLedger } from '../git/ledger-repo.js';
import { runHistory } from '../ledger/read/queries.js';
import { entryHistory } from '../ledger/read/entry-history.js';
import { renderEntryHistory } from '../cli/render/history.js';
import type { CommandOutput } from '../cli/output.js';
import type { HistoryEntriesResult, HistoryResult } from '../schemas/output.js';

export interface HistoryInput {
  run: string;
  entries?: boolean;
  json: boolean;
  ledger?: string;
}

export async function historyService(
  input: HistoryInput,
): Promise<CommandOutput<HistoryResult | HistoryEntriesResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const h = await runHistory(ledger, input.run);
  if (!input.entries) {
    return {
      result: h,
      human: input.json
        ? []
        : h.commits.map((c) => `${c.sha.slice(0, 12)}  ${c.at}  ${c.author.padEnd(16)}  ${c.subject}`),
    };
  }
  const e = await entryHistory(ledger, input.run);
  const result: HistoryEntriesResult = { id: h.id, path: e.path, commits: h.commits, entries: e.entries };
  return { result, human: input.json ? [] : renderEntryHistory(result) };
}
