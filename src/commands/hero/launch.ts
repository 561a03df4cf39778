import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import { RunlogError } from '../../core/errors.js';
import type { HeroLaunchResult } from '../../schemas/output.js';
import { renderMirror } from '../../cli/render/hero.js';

export default class HeroLaunch extends RunlogCommand {
  static summary = 'Print and validate the hero launch checklist, launch through the executor (the run log gets the Job block), and record a Launched Instance (`log launch` / `log relaunch`).';
  static description =
    'Every inferred value is labelled (inferred). Unclear lineage, checkpoint or output identity blocks the launch (exit 3, LAUNCH_BLOCKED) with the reason; nothing is launched or written. A relaunch diffs the config against the previous instance: critical drift blocks unless --ack-drift.';
  static examples = [
    '<%= config.bin %> hero launch grug-moe-1e23-ep8 --config conf/moe.yaml --wandb-id grug-moe-1e23-ep8 -- python train.py --config conf/moe.yaml',
    '<%= config.bin %> hero launch grug-moe-1e23-ep8 --dry-run -- python train.py',
  ];
  static strict = false;
  static args = { run: Args.string({ description: 'logbook slug under .agents/logbooks/', required: true }) };
  static flags = {
    executor: Flags.string({ description: 'executor to launch on', options: ['local', 'slurm', 'ssh'], default: 'local' }),
    host: Flags.string({ description: 'ssh executor: a hosts: profile or an ssh destination (default: placement across the profiles)' }),
    cwd: Flags.string({ description: 'directory the command runs in (default: the current directory)' }),
    config: Flags.string({ description: 'the launched config (YAML/JSON/TOML): final step and the relaunch diff are read from it' }),
    'output-root': Flags.string({ description: 'pinned output root (default: the Run Contract\'s)' }),
    'wandb-id': Flags.string({ description: 'W&B run id' }),
    'wandb-name': Flags.string({ description: 'W&B display name' }),
    'resume-policy': Flags.string({ description: 'W&B resume policy', options: ['allow', 'never', 'must'] }),
    retention: Flags.string({ description: 'checkpoint retention (default: the Run Contract\'s)' }),
    'rollback-depth': Flags.integer({ description: 'checkpoints kept for rollback', min: 1 }),
    'initialize-from': Flags.string({ description: 'checkpoint to start from: must have metadata.json and a numeric step' }),
    'final-step': Flags.integer({ description: 'final step when no --config resolves it', min: 1 }),
    container: Flags.string({ description: 'container image / source bundle identity when it differs from the git SHA' }),
    hardware: Flags.string({ description: 'hardware/topology, as recorded' }),
    dri: Flags.string({ description: 'DRI (default: the Run Contract\'s)' }),
    'approved-by': Flags.string({ description: 'who approved launching from a dirty tree (the patch hash is recorded)' }),
    'ack-drift': Flags.boolean({ description: 'the config drift from the previous instance is intended', default: false }),
    'new-lineage': Flags.boolean({ description: 'a different output root or W&B id is intended (a new lineage)', default: false }),
    every: Flags.string({ description: 'babysitting cadence recorded with the instance' }),
    'dry-run': Flags.boolean({ description: 'print and validate the checklist only', default: false }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<HeroLaunchResult> {
    const { args, flags } = await this.parse(HeroLaunch);
    // Everything after the first `--`, verbatim: oclif's non-strict argv reorders words that look like our own flags.
    const dash = this.argv.indexOf('--');
    const command = dash === -1 ? [] : this.argv.slice(dash + 1);
    const { heroLaunch } = await import('../../hero/launch.js');
    const { renderChecklist } = await import('../../hero/checklist.js');
    const ledger = this.openLedger(flags);
    let r: Awaited<ReturnType<typeof heroLaunch>>;
    try {
      r = await heroLaunch(ledger, {
        ref: args.run,
        argv: command,
        cwd: flags.cwd ?? process.cwd(),
        executor: flags.executor,
        host: flags.host,
        config: flags.config,
        outputRoot: flags['output-root'],
        wandbId: flags['wandb-id'],
        wandbName: flags['wandb-name'],
        resumePolicy: flags['resume-policy'],
        retention: flags.retention,
        rollbackDepth: flags['rollback-depth'],
        initializeFrom: flags['initialize-from'],
        finalStep: flags['final-step'],
        container: flags.container,
        hardware: flags.hardware,
        dri: flags.dri,
        approvedBy: flags['approved-by'],
        ackDrift: flags['ack-drift'],
        newLineage: flags['new-lineage'],
        cadence: flags.every,
        dryRun: flags['dry-run'],
        at: new Date(),
        push: flags.push,
        apiUrl: flags['github-api'],
      });
    } catch (err) {
      // The checklist is what the person needs to see to unblock: print it before the error.
      if (err instanceof RunlogError && err.code === 'LAUNCH_BLOCKED' && !this.jsonEnabled()) {
        process.stderr.write(`launch checklist for ${args.run}:\n${renderChecklist((err.details as { checklist: never[] }).checklist).join('\n')}\n`);
      }
      throw err;
    }
    this.notePushError(r.pushError);
    this.say(`launch checklist for ${r.slug}${r.relaunch ? ' (relaunch)' : ''}:`);
    for (const line of renderChecklist(r.checklist.items)) this.say(line);
    if (r.submitted) {
      this.say(`launched ${r.submitted.executor} job ${r.submitted.jobId} (run log ${r.submitted.run}, attempt ${r.submitted.attempt}); output ${r.submitted.outputPath}`);
      this.say(`committed ${r.commit?.slice(0, 12) ?? '(nothing)'}: ${r.slug}: ${r.relaunch ? 'log relaunch' : 'log launch'}`);
      for (const line of renderMirror(r.mirror ?? 'none', r.why, r.flush)) this.say(line);
    } else this.say('dry run: checklist passed; nothing launched or written');
    return this.toJson({
      slug: r.slug,
      path: r.path,
      relaunch: r.relaunch,
      instance: r.instance,
      checklist: r.checklist.items,
      blocked: r.checklist.blocked,
      dryRun: flags['dry-run'],
      drift: r.checklist.drift,
      submitted: r.submitted,
      eventId: r.eventId,
      mirror: r.mirror,
      pending: r.flush?.pending ?? [],
      posted: r.flush?.posted ?? [],
      commit: r.commit,
      pushed: r.pushed,
    });
  }
}
