import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { nonNegativeInt, parseMetrics } from '../app/input.js';
import type { CompleteArgs, EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { CompleteResult } from '../schemas/output.js';

export default class Complete extends RunlogCommand {
  static summary = 'Fill ## Results, end the current Job block, state completed.';
  static examples = ['<%= config.bin %> complete 2026-03-22_train --final-step 100000 --metric val_loss=0.028 --checkpoint /ckpt/step-100000 --summary "smooth descent, no spikes"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    'exit-code': Flags.integer({ description: 'exit code of the job (0)' }),
    'final-step': Flags.integer({ description: 'final training step' }),
    metric: Flags.string({ description: 'key=value final metric', multiple: true }),
    checkpoint: Flags.string({ description: 'path of the final checkpoint' }),
    summary: Flags.string({ description: 'one-line takeaway (loss_one_liner)' }),
  };

  async run(): Promise<CompleteResult> {
    const { args, flags } = await this.parse(Complete);
    const a: Omit<CompleteArgs, 'run'> = {
      exitCode: flags['exit-code'],
      finalStep: nonNegativeInt(flags['final-step'], '--final-step'),
      metrics: parseMetrics(flags.metric),
      checkpoint: flags.checkpoint,
      summary: flags.summary,
      at: new Date().toISOString(),
    };
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    // The chart at completion draws the output logs' readings too; they travel in the operation (replay has no logs).
    const { chartReadings } = await import('../plot/output-logs.js');
    const readings = chartReadings(ledger.root, ledger.config, run);
    const tx = await this.commit<EntryResult & { results: Record<string, string>; chart: string | null }>(ledger, { kind: 'complete', run: run.id, args: { ...a, run: run.id, readings } }, flags.push);
    this.say(`${run.id}: ${tx.result.previousState} → completed`);
    for (const [k, v] of Object.entries(tx.result.results)) this.say(`  ${k}: ${v}`);
    if (tx.result.chart) this.say(`  chart: ${tx.result.chart}`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}
