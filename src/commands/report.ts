import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { ReportOut } from '../schemas/output.js';

export default class Report extends RunlogCommand {
  static summary = 'The fleet view across campaigns: runs grouped by failure class, state or campaign.';
  static examples = [
    '<%= config.bin %> report',
    '<%= config.bin %> report --since 2026-05-01 --by state',
    '<%= config.bin %> report --by campaign --json',
  ];
  static flags = {
    since: Flags.string({ description: 'only campaigns launched on or after this date (YYYY-MM-DD)' }),
    by: Flags.string({
      description: 'how to group runs',
      options: ['failure-class', 'state', 'campaign'],
      default: 'failure-class',
    }),
  };

  async run(): Promise<ReportOut> {
    const { flags } = await this.parse(Report);
    const { report } = await import('../app/report.js');
    return this.present(
      await report({ since: flags.since, by: flags.by, ledger: flags.ledger, json: this.jsonEnabled() }),
    );
  }
}
