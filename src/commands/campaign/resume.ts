import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CampaignResumeOut } from '../../schemas/output.js';

export default class CampaignResume extends RunlogCommand {
  static summary =
    'Queue again the entries that never finished (cancelled, lost, stalled or timed out, transient retries spent, refused by preflight); completed entries never run again.';
  static description = [
    '--include-failed also reruns entries that failed for a reason of their own (OOM, code, data, numerical), after a fix outside the manifest.',
    '--max-parallel changes how many entries run at once from now on (the frozen manifest keeps the original) and updates the throttle of live Slurm arrays.',
  ].join('\n');
  static examples = [
    '<%= config.bin %> campaign resume lr-sweep-1a2b3c4d',
    '<%= config.bin %> campaign resume lr-sweep --include-failed',
    '<%= config.bin %> campaign resume lr-sweep --max-parallel 8',
  ];
  static args = {
    campaign: Args.string({ description: 'campaign id, or its name when one campaign has it', required: true }),
  };
  static flags = {
    'include-failed': Flags.boolean({
      description: 'also rerun entries that failed for a reason of their own',
      default: false,
    }),
    'max-parallel': Flags.integer({ description: 'entries running at once from now on', min: 1 }),
  };

  async run(): Promise<CampaignResumeOut> {
    const { args, flags } = await this.parse(CampaignResume);
    const { campaignResume } = await import('../../app/campaign/resume.js');
    return this.present(
      await campaignResume({
        campaign: args.campaign,
        includeFailed: flags['include-failed'],
        maxParallel: flags['max-parallel'],
        ledger: flags.ledger,
        push: flags.push,
      }),
    );
  }
}
