/** `runlog fail`: a terminal failure with its class and the reason, verbatim (secrets scrubbed). */
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { FailResult } from '../schemas/output.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface FailInput extends LedgerInput {
  run: string;
  class: string;
  reason: string;
}

export async function failService(input: FailInput): Promise<CommandOutput<FailResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  const args = { run: run.id, failureClass: input.class, reason: input.reason, at: new Date().toISOString() };
  const tx = await commit<EntryResult & { failureClass: string }>(
    ledger,
    { kind: 'fail', run: run.id, args },
    { push: input.push },
  );
  return {
    result: { ...tx.result, ...committed(tx) },
    human: [`${run.id}: ${tx.result.previousState} → ${tx.result.state} (${input.class})`],
    pushError: tx.pushError,
  };
}
