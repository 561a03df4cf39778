import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { HeroLaunchResult } from '../../schemas/output.js';

export default class HeroLaunch extends RunlogCommand {
  static summary =
    'Print and validate the hero launch checklist, launch through the executor (the run log gets the Job block), and record a Launched Instance (`log launch` / `log relaunch`).';
  static description =
    'Every inferred value is labelled (inferred). Unclear lineage, checkpoint or output identity blocks the launch (exit 3, LAUNCH_BLOCKED) with the reason; nothing is launched or written. A relaunch diffs the config against the previous instance: critical drift blocks unless --ack-drift.';
  static examples = [
    '<%= config.bin %> hero launch grug-moe-1e23-ep8 --config conf/moe.yaml --wandb-id grug-moe-1e23-ep8 -- python train.py --config conf/moe.yaml',
    '<%= config.bin %> hero launch grug-moe-1e23-ep8 --dry-run -- python train.py',
  ];
  static strict = false;
  static args = { run: Args.string({ description: 'logbook slug under .agents/logbooks/', required: true }) };
  static flags = {
    executor: Flags.string({
      description: 'executor to launch on',
      options: ['local', 'slurm', 'ssh'],
      default: 'local',
    }),
    host: Flags.string({
      description: 'ssh executor: a hosts: profile or an ssh destination (default: placement across the profiles)',
    }),
    cwd: Flags.string({ description: 'directory the command runs in (default: the current directory)' }),
    config: Flags.string({
      description: 'the launched config (YAML/JSON/TOML): final step and the relaunch diff are read from it',
    }),
    'output-root': Flags.string({ description: "pinned output root (default: the Run Contract's)" }),
    'wandb-id': Flags.string({ description: 'W&B run id' }),
    'wandb-name': Flags.string({ description: 'W&B display name' }),
    'resume-policy': Flags.string({ description: 'W&B resume policy', options: ['allow', 'never', 'must'] }),
    retention: Flags.string({ description: "checkpoint retention (default: the Run Contract's)" }),
    'rollback-depth': Flags.integer({ description: 'checkpoints kept for rollback', min: 1 }),
    'initialize-from': Flags.string({
      description: 'checkpoint to start from: must have metadata.json and a numeric step',
    }),
    'final-step': Flags.integer({ description: 'final step when no --config resolves it', min: 1 }),
    container: Flags.string({
      description: 'container image / source bundle identity when it differs from the git SHA',
    }),
    hardware: Flags.string({ description: 'hardware/topology, as recorded' }),
    dri: Flags.string({ description: "DRI (default: the Run Contract's)" }),
    'approved-by': Flags.string({
      description: 'who approved launching from a dirty tree (the patch hash is recorded)',
    }),
    'ack-drift': Flags.boolean({
      description: 'the config drift from the previous instance is intended',
      default: false,
    }),
    'new-lineage': Flags.boolean({
      description: 'a different output root or W&B id is intended (a new lineage)',
      default: false,
    }),
    every: Flags.string({ description: 'babysitting cadence recorded with the instance' }),
    'dry-run': Flags.boolean({ description: 'print and validate the checklist only', default: false }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<HeroLaunchResult>> {
    const { args, flags } = await this.parse(HeroLaunch);
    // Everything after the first `--`, verbatim: oclif's non-strict argv reorders words that look like our own flags.
    const dash = this.argv.indexOf('--');
    const command = dash === -1 ? [] : this.argv.slice(dash + 1);
    const { heroLaunchService } = await import('../../app/hero/launch.js');
    return this.present(await heroLaunchService({ ...args, ...flags, command }));
  }
}
