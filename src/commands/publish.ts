import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { PublishResult } from '../schemas/output.js';

export default class Publish extends RunlogCommand {
  static summary =
    'Write a sanitized TRAINING_LOG.md (and copy the passport and signoff) for a public package; --check scans a published folder for leaks.';
  static description =
    'Removes Slurm job ids, node names, scratch/cluster paths, user names in paths, local W&B dirs, wandb_id.txt references and secrets; keeps config, the step/loss(/grad norm) table, the loss one-liner, final metrics, W&B links, checkpoint hashes and how to verify them. Rules: defaults plus publish.sanitize in runlog.config.yaml. --json reports each removal as {rule, count}, never the value.';
  static examples = [
    '<%= config.bin %> publish 2026-03-22_train --out hf_package',
    '<%= config.bin %> publish --check hf_package --json',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix' }) };
  static flags = {
    out: Flags.string({
      description: 'folder to write TRAINING_LOG.md (+ MODEL_PASSPORT.json, SIGNOFF.json) into',
      exclusive: ['check'],
    }),
    check: Flags.string({ description: 'scan this published folder and fail (exit 1) on any leak; changes nothing' }),
  };

  async run(): Promise<Envelope<PublishResult>> {
    const { args, flags } = await this.parse(Publish);
    const { publishService } = await import('../app/publish.js');
    return this.present(await publishService({ ...args, ...flags }));
  }
}
