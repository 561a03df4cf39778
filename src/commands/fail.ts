import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { FAILURE_CLASSES } from '../core/failure-classes.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { EntryResultOut } from '../schemas/output.js';

export default class Fail extends RunlogCommand {
  static summary = 'Record a terminal failure with its class and the reason, verbatim (secrets scrubbed).';
  static examples = ['<%= config.bin %> fail 2026-03-22_train --class oom_gpu --reason "CUDA out of memory at step 5200 (batch 64)"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    class: Flags.string({ description: 'failure class', options: [...FAILURE_CLASSES], required: true }),
    reason: Flags.string({ description: 'what failed, with the evidence line', required: true }),
  };

  async run(): Promise<EntryResultOut> {
    const { args, flags } = await this.parse(Fail);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const tx = await this.commit<EntryResult>(ledger, { kind: 'fail', run: run.id, args: { run: run.id, failureClass: flags.class, reason: flags.reason, at: new Date().toISOString() } }, flags.push);
    this.say(`${run.id}: ${tx.result.previousState} → ${tx.result.state} (${flags.class})`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}
