import { RunlogCommand } from '../../cli/base-command.js';
import type { CampaignListOut } from '../../schemas/output.js';

export default class CampaignList extends RunlogCommand {
  static summary = 'Every campaign in the ledger: id, launch date, runs and counts by state.';
  static examples = ['<%= config.bin %> campaign list', '<%= config.bin %> campaign list --json'];

  async run(): Promise<CampaignListOut> {
    const { flags } = await this.parse(CampaignList);
    const { campaignList } = await import('../../app/campaign/list.js');
    return this.present(await campaignList({ ledger: flags.ledger, json: this.jsonEnabled() }));
  }
}
