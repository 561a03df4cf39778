import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import { usageError } from '../../core/errors.js';
import type { WandbSyncResult } from '../../schemas/output.js';

export default class WandbRecord extends RunlogCommand {
  static summary = 'Record a W&B local dir and/or synced URL in a Job block (and the W&B section), so each block names its own dashboard.';
  static examples = ['<%= config.bin %> wandb record 2026-03-22_train --local wandb/offline-run-20260311_150000-abc123 --synced https://wandb.ai/acme/arx5/runs/abc123 --job "Job (resumed)"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    local: Flags.string({ description: 'offline run dir' }),
    synced: Flags.string({ description: 'synced run URL', multiple: true }),
    job: Flags.string({ description: 'Job block heading (default: the newest)' }),
  };

  async run(): Promise<Pick<WandbSyncResult, 'run' | 'recorded' | 'commit' | 'pushed'> & { job: string }> {
    const { args, flags } = await this.parse(WandbRecord);
    if (!flags.local && !flags.synced) throw usageError('WANDB_RECORD_EMPTY', 'nothing to record', 'pass --local <dir> and/or --synced <url>');
    for (const u of flags.synced ?? []) {
      if (!/^https:\/\/\S+$/.test(u)) throw usageError('BAD_FLAG', `--synced ${JSON.stringify(u)} is not an https URL`, 'pass the run URL, e.g. https://wandb.ai/<entity>/<project>/runs/<id>');
    }
    const { resolveRun } = await import('../../ledger/read/runs.js');
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const tx = await this.commit<{ job: string }>(
      ledger,
      { kind: 'wandb', run: run.id, args: { run: run.id, at: new Date().toISOString(), job: flags.job, local: flags.local, synced: flags.synced ?? [] } },
      flags.push,
    );
    this.say(`${run.id}: W&B recorded in ${tx.result.job}`);
    return this.toJson({ run: run.id, job: tx.result.job, recorded: tx.commit !== null, ...tx.out });
  }
}
