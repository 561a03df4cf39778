import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { appendService } from '../app/append.js';
import type { AppendResult } from '../schemas/output.js';

export default class Append extends RunlogCommand {
  static summary = "Add one timestamped, evidence-backed entry to the run's ## Status.";
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

  async run(): Promise<Envelope<AppendResult>> {
    const { args, flags } = await this.parse(Append);
    return this.present(await appendService({ ...args, ...flags }));
  }
}
