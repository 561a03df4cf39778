import { Args } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Summary } from '../../campaigns/summary.js';

export default class CampaignStatus extends RunlogCommand {
  static summary =
    'Counts by state and failure class, artifact completeness, the W&B gate and one line per entry, recomputed now from the run logs.';
  static description = '--json prints the summary.json document as of now. Exits 1 while a strict W&B gate has failed.';
  static examples = [
    '<%= config.bin %> campaign status lr-sweep-1a2b3c4d',
    '<%= config.bin %> campaign status lr-sweep --json',
  ];
  static args = {
    campaign: Args.string({ description: 'campaign id, or its name when one campaign has it', required: true }),
  };

  async run(): Promise<Summary> {
    const { args, flags } = await this.parse(CampaignStatus);
    const { campaignStatus } = await import('../../app/campaign/status.js');
    return this.present(
      await campaignStatus({ campaign: args.campaign, ledger: flags.ledger, json: this.jsonEnabled() }),
    );
  }
}
