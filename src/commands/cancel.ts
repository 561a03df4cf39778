import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/runs.js';
import type { EntryResultOut } from '../schemas/output.js';

export default class Cancel extends RunlogCommand {
  static summary = 'Mark the run canceled, with the reason.';
  static examples = ['<%= config.bin %> cancel 2026-03-22_train --reason "superseded by lr sweep"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it was canceled', required: true }),
  };

  async run(): Promise<EntryResultOut> {
    const { args, flags } = await this.parse(Cancel);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const tx = await this.commit<EntryResult>(ledger, { kind: 'cancel', run: run.id, args: { run: run.id, reason: flags.reason, at: new Date().toISOString() } }, flags.push);
    this.say(`${run.id}: ${tx.result.previousState} → canceled`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}
