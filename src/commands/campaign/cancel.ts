import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CampaignCancelOut } from '../../schemas/output.js';

export default class CampaignCancel extends RunlogCommand {
  static summary = 'Stop the running entries, cancel the queued ones and halt the campaign, recorded in one commit.';
  static examples = ['<%= config.bin %> campaign cancel lr-sweep-1a2b3c4d --reason "wrong tokenizer"'];
  static args = {
    campaign: Args.string({ description: 'campaign id, or its name when one campaign has it', required: true }),
  };
  static flags = {
    reason: Flags.string({ description: 'why (recorded in every run log and the campaign)', required: true }),
  };

  async run(): Promise<CampaignCancelOut> {
    const { args, flags } = await this.parse(CampaignCancel);
    const { campaignCancel } = await import('../../app/campaign/cancel.js');
    return this.present(
      await campaignCancel({ campaign: args.campaign, reason: flags.reason, ledger: flags.ledger, push: flags.push }),
    );
  }
}
