/**
 * `runlog plot <run>`: (re)draw the run's chart from every reading there is
 * (Status entries, and the output logs of its attempts when they are on this
 * machine) and commit it with the Results link. Nothing new to draw, nothing
 * committed: the bytes are deterministic.
 */
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { PlotArgs, PlotResult } from '../ledger/ops/plot.js';
import { resolveRun } from '../ledger/read/runs.js';
import { chartReadings } from '../plot/output-logs.js';
import type { PlotCommandResult } from '../schemas/output.js';

export interface PlotInput {
  run: string;
  ledger?: string;
  push: boolean;
}

export async function plotService(input: PlotInput): Promise<CommandOutput<PlotCommandResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  const readings = chartReadings(ledger.root, ledger.config, run);
  const args: PlotArgs = { run: run.id, readings };
  const tx = await commit<PlotResult>(ledger, { kind: 'plot', run: run.id, args: { ...args } }, { push: input.push });
  const r = tx.result;
  return {
    result: { ...r, logAttempts: readings.length, commit: tx.commit, pushed: tx.pushed },
    human: [
      `${run.id}: ${tx.commit ? 'wrote' : 'unchanged'} ${r.chart} (${(r.bytes / 1024).toFixed(1)} KB${readings.length > 0 ? `, output logs of ${readings.length} attempt${readings.length === 1 ? '' : 's'}` : ', Status entries only'})`,
    ],
    pushError: tx.pushError,
  };
}
