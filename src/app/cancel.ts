/**
 * `runlog cancel`: mark the run canceled, with the reason. A run whose
 * latest attempt has a job this clone launched and an executor may still be
 * running is stopped through that executor first (scancel, SIGTERM), so
 * canceled is never only on paper. A job launched elsewhere is never
 * signalled from here: the decision is recorded, and a warning says so.
 */
import type { CommandOutput } from '../cli/output.js';
import { readInside } from '../core/confined-fs.js';
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
  const live = await liveJob(ledger, run);
  if (live === 'ours') return stopLiveJob(ledger, run, input);
  const tx = await commit<EntryResult>(
    ledger,
    { kind: 'cancel', run: run.id, args: { run: run.id, reason: input.reason, at: new Date().toISOString() } },
    { push: input.push },
  );
  const warnings =
    live === 'foreign'
      ? [
          `warning: ${run.id}'s job was not launched from this clone, so nothing was signalled; stop it where it runs if it still does`,
        ]
      : [];
  return {
    result: { ...tx.result, ...committed(tx) },
    human: [`${run.id}: ${tx.result.previousState} → canceled`],
    warnings,
    pushError: tx.pushError,
  };
}

/** Whether the run's latest attempt has a job an executor may still be running, and whether this clone launched it. */
async function liveJob(ledger: Ledger, run: RunFile): Promise<'ours' | 'foreign' | 'none'> {
  const { latestAttempt } = await import('../jobs/attempt.js');
  const { jobOfAttempt } = await import('../jobs/plan.js');
  const { LocalState } = await import('../executors/state.js');
  const doc = new RunLogDoc(readInside(ledger.root, run.path) ?? '', run.path);
  const attempt = latestAttempt(doc);
  if (TERMINAL.has(doc.view.state) || attempt === undefined) return 'none';
  const job = jobOfAttempt(LocalState.forLedger(ledger.root), attempt);
  return typeof job === 'string' ? job : 'ours';
}

async function stopLiveJob(ledger: Ledger, run: RunFile, input: CancelInput): Promise<CommandOutput<CancelResult>> {
  const [{ createContext }, { stopRun }] = await Promise.all([
    import('../jobs/context.js'),
    import('../jobs/operator.js'),
  ]);
  const ctx = createContext(ledger, { push: input.push });
  const out = await stopRun(ctx, run.id, input.reason);
  const entry = {
    at: isoSeconds(new Date()),
    state: out.after,
    step: null,
    metrics: {},
    message: `stopped by operator: ${input.reason}`,
  };
  return {
    result: {
      id: run.id,
      state: out.after,
      previousState: out.before,
      entry,
      jobIds: out.jobIds,
      commit: out.commit,
      pushed: ctx.unpushed === 0 && out.commits.length > 0,
    },
    human: [`${run.id}: ${out.before} → ${out.after} (job ${out.jobIds.join(', ')} stopped: ${out.message})`],
    pushError: ctx.pushError,
  };
}
