import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { NewResult } from '../schemas/output.js';

export default class New extends RunlogCommand {
  static summary = 'Create a run log from the template, in state pending, and add it to timeline.md.';
  static examples = [
    '<%= config.bin %> new train --type experiment --objective "front cam, default LR" --group arx5_multitask --script slurm/train.sh --config configs/base.yaml',
  ];
  static args = { task: Args.string({ description: 'task name (letters, digits, . _ -)', required: true }) };
  static flags = {
    type: Flags.string({ description: 'run type', options: ['replication', 'experiment', 'pipeline'], required: true }),
    subtype: Flags.string({ description: 'kind of pipeline or experiment, e.g. "data generation"' }),
    objective: Flags.string({ description: 'one line: what this run verifies or tests', required: true }),
    group: Flags.string({ description: 'subfolder of run_logs/ (component, task variant, stage)' }),
    script: Flags.string({ description: 'script or command that runs the job' }),
    config: Flags.string({ description: 'config file' }),
    dataset: Flags.string({ description: 'dataset reference' }),
    setting: Flags.string({ description: 'key=value setting that matters for this run', multiple: true }),
    date: Flags.string({ description: 'date in the file name (YYYY-MM-DD, default today UTC)' }),
  };

  async run(): Promise<Envelope<NewResult>> {
    const { args, flags } = await this.parse(New);
    const { newService } = await import('../app/new.js');
    return this.present(await newService({ ...args, ...flags }));
  }
}
