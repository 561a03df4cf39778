import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { HeroInitResult } from '../../schemas/output.js';

export default class HeroInit extends RunlogCommand {
  static summary =
    'Start a hero run: .agents/logbooks/<run>.md (Run Contract, Launched Instances, Event Log) and its GitHub issue, linked both ways, committed and pushed before any launch.';
  static examples = [
    '<%= config.bin %> hero init grug-moe-1e23-ep8 --create-issue --dri @alice --goal "1e23 MoE, 8 epochs" --final-step 120000 --retention "permanent every 100000 steps; temporary every 15 min, keep 10" --output-root /scratch/alice/grug-moe-1e23-ep8',
    '<%= config.bin %> hero init my-run --issue https://github.com/org/repo/issues/42 --dri me --goal "…" --final-step 5000 --retention "keep last 10 + final" --output-root /data/my-run',
  ];
  static args = { run: Args.string({ description: 'stable run slug, e.g. grug-moe-1e23-ep8', required: true }) };
  static flags = {
    issue: Flags.string({
      description: 'adopt this GitHub issue (URL, owner/repo#n, or n with github.repo set)',
      exclusive: ['create-issue'],
    }),
    'create-issue': Flags.boolean({
      description: 'create "Hero run: <run>" in github.repo (or adopt the open one with that title)',
      default: false,
    }),
    label: Flags.string({ description: 'label for a created issue (default: github.labels)', multiple: true }),
    dri: Flags.string({ description: 'directly responsible individual', required: true }),
    goal: Flags.string({ description: 'what the run is for', required: true }),
    'final-step': Flags.integer({
      description: 'final training step, from the config (not a progress bar)',
      required: true,
    }),
    retention: Flags.string({ description: 'checkpoint retention and rollback depth', required: true }),
    'output-root': Flags.string({ description: 'pinned output root: absolute path or URI', required: true }),
    'stop-criteria': Flags.string({ description: 'when to stop or escalate' }),
    wandb: Flags.string({ description: 'intended W&B run id/name' }),
    every: Flags.string({ description: 'babysitting cadence', default: '15m' }),
    'run-log': Flags.string({ description: 'link this existing run log instead of creating <date>_<run>' }),
    type: Flags.string({
      description: 'run type of the created run log',
      options: ['replication', 'experiment', 'pipeline'],
      default: 'experiment',
    }),
    group: Flags.string({ description: 'run_logs/ group for the created run log' }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<HeroInitResult>> {
    const { args, flags } = await this.parse(HeroInit);
    const { heroInitService } = await import('../../app/hero/init.js');
    return this.present(await heroInitService({ ...args, ...flags }));
  }
}
