import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { HeroLinkResult } from '../../schemas/output.js';

export default class HeroLink extends RunlogCommand {
  static summary =
    'Link an existing logbook to a GitHub issue, both ways: the issue body names the logbook, the logbook names the issue.';
  static description =
    'For a logbook started without an issue (or a hand-kept one). GitHub is read first; when it cannot be, nothing is written. Afterwards `runlog sync` posts the entries still pending.';
  static examples = [
    '<%= config.bin %> hero link grug-moe-1e23-ep8 --issue https://github.com/org/repo/issues/42',
    '<%= config.bin %> hero link grug-moe-1e23-ep8 --issue org/repo#42',
    '<%= config.bin %> hero link grug-moe-1e23-ep8 --issue 42   # with github.repo set',
  ];
  static args = { run: Args.string({ description: 'logbook slug under .agents/logbooks/', required: true }) };
  static flags = {
    issue: Flags.string({ description: 'the issue: URL, owner/repo#n, or n with github.repo set', required: true }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<HeroLinkResult>> {
    const { args, flags } = await this.parse(HeroLink);
    const { heroLinkService } = await import('../../app/hero/link.js');
    return this.present(
      await heroLinkService({
        ledger: flags.ledger,
        push: flags.push,
        run: args.run,
        issue: flags.issue,
        'github-api': flags['github-api'],
      }),
    );
  }
}
