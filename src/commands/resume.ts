import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { ResumeResult } from '../schemas/output.js';

export default class Resume extends RunlogCommand {
  static summary = 'Append a ## Job (resumed) block: a new attempt of the same run, in the same file.';
  static examples = ['<%= config.bin %> resume 2026-03-22_train --from /scratch/ckpt/step-52000'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    from: Flags.string({ description: 'checkpoint the new attempt resumes from' }),
  };

  async run(): Promise<ResumeResult> {
    const { args, flags } = await this.parse(Resume);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const tx = await this.commit<EntryResult & { attempt: number; heading: string }>(ledger, { kind: 'resume', run: run.id, args: { run: run.id, from: flags.from, at: new Date().toISOString() } }, flags.push);
    this.say(`${run.id}: ${tx.result.previousState} → pending, attempt ${tx.result.attempt} (## ${tx.result.heading})`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}
