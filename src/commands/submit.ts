import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import { splitCommand } from '../cli/argv.js';
import type { SubmitDryRunResult, SubmitResult } from '../schemas/output.js';
import { slurmSubmitFlags } from '../executors/slurm/submit-flags.js';
import { sshSubmitFlags } from '../executors/ssh/submit-flags.js';

export default class Submit extends RunlogCommand {
  static summary =
    'Validate a run (script, config, checkpoint, hardware, clean tree, placement policy), then launch it and record the Job block.';
  static description =
    'Every preflight reason is recorded as validation_failed and committed, and the command exits 3 without starting anything; --dry-run checks the same and writes nothing. ' +
    'Give the command after --, or leave it out to run the script the run log declares. {init_from} in the command becomes the checkpoint the attempt starts from (--init-from, or the one `runlog resume --from` recorded); the job also gets it in RUNLOG_INIT_FROM.';
  static examples = [
    '<%= config.bin %> submit 2026-03-22_train -- node examples/train.mjs --steps 200',
    '<%= config.bin %> submit 2026-03-22_train --dry-run --script train.py -- python train.py',
    '<%= config.bin %> submit 2026-03-22_train -- python train.py --init-from {init_from}',
    '<%= config.bin %> submit 2026-03-22_train --timeout 12h --heartbeat 20m --retries 3 --gpus 1 --mem 32G -- python train.py --config cfg.yaml',
    '<%= config.bin %> submit 2026-03-22_train --executor slurm --cluster gpu --partition a100 --gres gpu:4 --cpus 16 --mem 64G --time 12h --no-requeue -- python train.py',
    '<%= config.bin %> submit 2026-03-22_train --executor ssh --gpus 1 --mem 32G --tag cuda12 -- python train.py',
    '<%= config.bin %> submit 2026-03-22_train --executor ssh --host gpu-box.lab -- python train.py',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    executor: Flags.string({
      description: 'where the job runs: this machine, Slurm, or a worker over SSH',
      options: ['local', 'slurm', 'ssh'],
      default: 'local',
    }),
    timeout: Flags.string({ description: 'wall-clock limit (e.g. 72h, 30m, 5s); default jobs.timeout' }),
    heartbeat: Flags.string({
      description: 'longest time without a new step before the run is stalled; default jobs.heartbeat',
    }),
    retries: Flags.integer({
      description: 'automatic retries for transient failures (0: none); default jobs.retries',
      min: 0,
    }),
    'stall-action': Flags.string({
      description: 'what to do once a stall outlives jobs.stall_grace',
      options: ['retry', 'fail'],
    }),
    'init-from': Flags.string({ description: 'checkpoint directory to initialize from (must hold metadata.json)' }),
    'allow-dirty': Flags.boolean({ description: 'launch from a dirty tree and record the patch hash', default: false }),
    gpus: Flags.integer({ description: 'GPUs to reserve', min: 0 }),
    cpus: Flags.integer({ description: 'CPUs to reserve', min: 1 }),
    mem: Flags.string({ description: 'memory to reserve (e.g. 16G, 512M)' }),
    'override-policy': Flags.string({
      description: 'place scarce hardware for light work anyway; the reason is recorded',
    }),
    image: Flags.string({ description: 'container image id the job runs in (recorded)' }),
    cwd: Flags.string({ description: 'working directory of the job (default: the current directory)' }),
    'dry-run': Flags.boolean({
      description: 'run every preflight check and print the reasons; write nothing, launch nothing',
      default: false,
    }),
    script: Flags.string({
      description: "the script to run instead of the recorded one (updates the run log's Config, with a Status entry)",
    }),
    config: Flags.string({
      description:
        "the config file to use instead of the recorded one (updates the run log's Config, with a Status entry)",
    }),
    ...slurmSubmitFlags,
    ...sshSubmitFlags,
  };

  async run(): Promise<Envelope<SubmitResult | SubmitDryRunResult>> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Submit, own);
    const { submitService, dryRunService } = await import('../app/submit.js');
    if (flags['dry-run']) return this.present(await dryRunService({ ...args, ...flags, command }));
    return this.present(await submitService({ ...args, ...flags, command }));
  }
}
