import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { parseSettings } from '../app/input.js';
import type { NewArgs } from '../ledger/ops/record.js';
import type { NewResult } from '../schemas/output.js';
import { validateSlug } from '../core/slug.js';
import { dateOnly, parseDateFlag } from '../core/time.js';

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

  async run(): Promise<NewResult> {
    const { args, flags } = await this.parse(New);
    const now = new Date();
    const a: NewArgs = {
      task: validateSlug(args.task, 'task'),
      type: flags.type as NewArgs['type'],
      subtype: flags.subtype,
      objective: flags.objective,
      group: flags.group === undefined ? undefined : validateSlug(flags.group, 'group'),
      script: flags.script,
      config: flags.config,
      dataset: flags.dataset,
      settings: parseSettings(flags.setting),
      date: flags.date ? parseDateFlag(flags.date, '--date') : dateOnly(now),
      at: now.toISOString(),
    };
    const ledger = this.openLedger(flags);
    const tx = await this.commit<{ id: string; path: string; state: string }>(ledger, { kind: 'new', run: `${a.group ? `${a.group}/` : ''}${a.date}_${a.task}`, args: { ...a } }, flags.push);
    this.say(`created ${tx.result.path} (${tx.result.state})`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}
