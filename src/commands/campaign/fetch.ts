import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CampaignFetchOut } from '../../schemas/output.js';

export default class CampaignFetch extends RunlogCommand {
  static summary =
    "Copy each completed entry's declared artifacts into <dir>/<id>/<entry>/, verify sha256, and record completeness in summary.json.";
  static description =
    "What to fetch comes only from the frozen manifest (artifacts:), and where from only from this machine's output root (<output root>/<id>/<entry>/attempt-<n>).";
  static examples = ['<%= config.bin %> campaign fetch lr-sweep-1a2b3c4d --to /data/sweeps'];
  static args = {
    campaign: Args.string({ description: 'campaign id, or its name when one campaign has it', required: true }),
  };
  static flags = {
    to: Flags.string({ description: 'destination directory', required: true }),
  };

  async run(): Promise<CampaignFetchOut> {
    const { args, flags } = await this.parse(CampaignFetch);
    const { campaignFetch } = await import('../../app/campaign/fetch.js');
    return this.present(
      await campaignFetch({ campaign: args.campaign, to: flags.to, ledger: flags.ledger, push: flags.push }),
    );
  }
}
