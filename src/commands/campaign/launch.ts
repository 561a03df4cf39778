import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CampaignLaunchOut } from '../../schemas/output.js';

export default class CampaignLaunch extends RunlogCommand {
  static summary =
    'Validate a sweep manifest (YAML or CSV), freeze it, and record every run log and the campaign files in one commit; the supervisor starts the entries.';
  static description = [
    'The campaign id is <name>-<first 8 hex of the sha256 of the frozen manifest>: the same manifest again returns the same id and writes nothing; any edit is a new campaign.',
    'A manifest has name, command (with {param} placeholders), grid (cartesian product) and/or runs (explicit entries, each may override command and policy keys), executor, resources, policy (max_parallel, fail_fast, retries, infra_retries, timeout, task_timeout, heartbeat, stall_action, backoff), artifacts, checkpoints, key_metric and wandb.strict.',
    'A CSV manifest is a header row of parameter names with optional name and command columns, one row per run.',
    'Unknown keys, placeholders without a value, duplicate entry names, an empty grid and non-positive clocks are refused (exit 2) with the key and its line; nothing is written.',
  ].join('\n');
  static examples = [
    '<%= config.bin %> campaign launch sweep.yaml',
    '<%= config.bin %> campaign launch sweep.yaml --dry-run',
    '<%= config.bin %> campaign launch grid.csv --name lr-sweep --json',
  ];
  static args = { manifest: Args.string({ description: 'the manifest file (.yaml, .yml or .csv)', required: true }) };
  static flags = {
    name: Flags.string({ description: 'campaign name (overrides the manifest; a CSV takes its file name otherwise)' }),
    'dry-run': Flags.boolean({
      description: 'validate and print the entries and the id; write nothing',
      default: false,
    }),
    cwd: Flags.string({ description: "working directory of the entries' commands (default: the current directory)" }),
  };

  async run(): Promise<CampaignLaunchOut> {
    const { args, flags } = await this.parse(CampaignLaunch);
    const { campaignLaunch } = await import('../../app/campaign/launch.js');
    return this.present(
      await campaignLaunch({
        manifest: args.manifest,
        name: flags.name,
        dryRun: flags['dry-run'],
        cwd: flags.cwd,
        ledger: flags.ledger,
        push: flags.push,
      }),
    );
  }
}
