import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { nonNegativeInt, parseMetrics } from '../cli/parse.js';
import { parseState } from '../ledger/lifecycle.js';
import type { AppendArgs, EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/runs.js';
import type { AppendResult } from '../schemas/output.js';
import { parseIsoFlag } from '../util/time.js';

export default class Append extends RunlogCommand {
  static summary = 'Add one timestamped, evidence-backed entry to the run\'s ## Status.';
  static examples = [
    '<%= config.bin %> append 2026-03-22_train "loss still falling" --step 2400 --metric train_loss=0.085',
    '<%= config.bin %> append arx5/2026-03-22_train "job 4242 started on node 7" --state running',
  ];
  static args = {
    run: Args.string({ description: 'run id, file path, or unique suffix', required: true }),
    message: Args.string({ description: 'what was observed (evidence)', required: true }),
  };
  static flags = {
    state: Flags.string({ description: 'new state (checked against the lifecycle)' }),
    step: Flags.integer({ description: 'training step observed' }),
    metric: Flags.string({ description: 'key=value metric observed', multiple: true }),
    at: Flags.string({ description: 'when it was observed (ISO-8601, default now)' }),
  };

  async run(): Promise<AppendResult> {
    const { args, flags } = await this.parse(Append);
    const a: Omit<AppendArgs, 'run'> = {
      message: args.message,
      state: flags.state === undefined ? undefined : parseState(flags.state),
      step: nonNegativeInt(flags.step, '--step'),
      metrics: parseMetrics(flags.metric),
      at: (flags.at ? parseIsoFlag(flags.at, '--at') : new Date()).toISOString(),
    };
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const tx = await this.commit<EntryResult>(ledger, { kind: 'append', run: run.id, args: { ...a, run: run.id } }, flags.push);
    const e = tx.result.entry;
    this.say(`${run.id}: ${e.at} — ${e.state}${e.step !== null ? `, step ${e.step}` : ''}${e.message ? ` — ${e.message}` : ''}`);
    return this.toJson({ id: run.id, entry: e, state: tx.result.state, previousState: tx.result.previousState, ...tx.out });
  }
}
