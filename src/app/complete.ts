/** `runlog complete`: fill Results, end the current Job block, state completed. */
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { CompleteArgs, EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { CompleteResult } from '../schemas/output.js';
import { nonNegativeInt, parseMetrics } from './input.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface CompleteInput extends LedgerInput {
  run: string;
  'exit-code'?: number;
  'final-step'?: number;
  metric?: string[];
  checkpoint?: string;
  summary?: string;
}

export async function completeService(input: CompleteInput): Promise<CommandOutput<CompleteResult>> {
  const a: Omit<CompleteArgs, 'run'> = {
    exitCode: input['exit-code'],
    finalStep: nonNegativeInt(input['final-step'], '--final-step'),
    metrics: parseMetrics(input.metric),
    checkpoint: input.checkpoint,
    summary: input.summary,
    at: new Date().toISOString(),
  };
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  // The chart at completion draws the output logs' readings too; they travel in the operation (replay has no logs).
  const { chartReadings } = await import('../plot/output-logs.js');
  const readings = chartReadings(ledger.root, ledger.config, run);
  const tx = await commit<EntryResult & { results: Record<string, string>; chart: string | null; amended?: string[] }>(
    ledger,
    { kind: 'complete', run: run.id, args: { ...a, run: run.id, readings } },
    { push: input.push },
  );
  const human =
    tx.result.amended?.length === 0
      ? [`${run.id}: already completed with these results; nothing changed`]
      : [
          `${run.id}: ${tx.result.previousState} → completed${tx.result.amended ? ' (results amended)' : ''}`,
          ...Object.entries(tx.result.results).map(([k, v]) => `  ${k}: ${v}`),
        ];
  if (tx.result.chart) human.push(`  chart: ${tx.result.chart}`);
  return { result: { ...tx.result, ...committed(tx) }, human, pushError: tx.pushError };
}
