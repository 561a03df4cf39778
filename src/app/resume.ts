/** `runlog resume`: a new attempt of the same run, in the same file (a `## Job (resumed)` block). */
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { ResumeResult } from '../schemas/output.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface ResumeInput extends LedgerInput {
  run: string;
  from?: string;
}

export async function resumeService(input: ResumeInput): Promise<CommandOutput<ResumeResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  const args = { run: run.id, from: input.from, at: new Date().toISOString() };
  const tx = await commit<EntryResult & { attempt: number; heading: string }>(ledger, { kind: 'resume', run: run.id, args }, { push: input.push });
  const r = tx.result;
  return { result: { ...r, ...committed(tx) }, human: [`${run.id}: ${r.previousState} → pending, attempt ${r.attempt} (## ${r.heading})`], pushError: tx.pushError };
}
