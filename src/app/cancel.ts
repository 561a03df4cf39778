/**
 * `runlog cancel`: mark the run canceled, with the reason. A run whose
 * latest attempt has a job an executor may still be running is stopped
 * through that executor first (scancel, SIGTERM), so canceled is never only
 * on paper.
 */
import { readFileSync } from 'node:fs';
import type { CommandOutput } from '../cli/output.js';
import { TERMINAL } from '../core/lifecycle.js';
import { isoSeconds } from '../core/time.js';
import { openLedger, type Ledger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun, type RunFile } from '../ledger/read/runs.js';
import { RunLogDoc } from '../markdown/runlog.js';
import type { CancelResult } from '../schemas/output.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface CancelInput extends LedgerInput {
  run: string;
  reason: string;
}

export async function cancelService(input: CancelInput): Promise<CommandOutput<CancelResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  if (await hasLiveJob(run)) return stopLiveJob(ledger, run, input);
  const tx = await commit<EntryResult>(ledger, { kind: 'cancel', run: run.id, args: { run: run.id, reason: input.reason, at: new Date().toISOString() } }, { push: input.push });
  return { result: { ...tx.result, ...committed(tx) }, human: [`${run.id}: ${tx.result.previousState} → canceled`], pushError: tx.pushError };
}

/** True when the run's latest attempt has a job an executor may still be running. */
async function hasLiveJob(run: RunFile): Promise<boolean> {
  const { handleOf, latestAttempt } = await import('../jobs/attempt.js');
  const doc = new RunLogDoc(readFileSync(run.abs, 'utf8'), run.path);
  const attempt = latestAttempt(doc);
  return !TERMINAL.has(doc.view.state) && attempt !== undefined && handleOf(attempt) !== undefined;
}

async function stopLiveJob(ledger: Ledger, run: RunFile, input: CancelInput): Promise<CommandOutput<CancelResult>> {
  const [{ createContext }, { stopRun }] = await Promise.all([import('../jobs/context.js'), import('../jobs/operator.js')]);
  const ctx = createContext(ledger, { push: input.push });
  const out = await stopRun(ctx, run.id, input.reason);
  const entry = { at: isoSeconds(new Date()), state: out.after, step: null, metrics: {}, message: `stopped by operator: ${input.reason}` };
  return {
    result: { id: run.id, state: out.after, previousState: out.before, entry, jobIds: out.jobIds, commit: out.commit, pushed: ctx.unpushed === 0 && out.commits.length > 0 },
    human: [`${run.id}: ${out.before} → ${out.after} (job ${out.jobIds.join(', ')} stopped: ${out.message})`],
    pushError: ctx.pushError,
  };
}
