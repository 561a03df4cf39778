/** `runlog append`: one timestamped, evidence-backed entry in the run's Status. */
import { parseMetrics, nonNegativeInt } from './input.js';
import { parseState } from '../core/lifecycle.js';
import type { AppendArgs, EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import { parseIsoFlag } from '../core/time.js';
import type { CommandOutput } from '../cli/output.js';
import type { AppendResult } from '../schemas/output.js';

export interface AppendInput {
  run: string;
  message: string;
  state?: string;
  step?: number;
  metric?: string[];
  at?: string;
  ledger?: string;
  push: boolean;
}

export async function appendService(input: AppendInput): Promise<CommandOutput<AppendResult>> {
  const a: Omit<AppendArgs, 'run'> = {
    message: input.message,
    state: input.state === undefined ? undefined : parseState(input.state),
    step: nonNegativeInt(input.step, '--step'),
    metrics: parseMetrics(input.metric),
    at: (input.at ? parseIsoFlag(input.at, '--at') : new Date()).toISOString(),
  };
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  const tx = await commit<EntryResult>(
    ledger,
    { kind: 'append', run: run.id, args: { ...a, run: run.id } },
    { push: input.push },
  );
  const e = tx.result.entry;
  return {
    result: {
      id: run.id,
      entry: e,
      state: tx.result.state,
      previousState: tx.result.previousState,
      commit: tx.commit,
      pushed: tx.pushed,
      pushRetries: tx.pushRetries,
    },
    human: [
      `${run.id}: ${e.at} — ${e.state}${e.step !== null ? `, step ${e.step}` : ''}${e.message ? ` — ${e.message}` : ''}`,
    ],
    pushError: tx.pushError,
  };
}
