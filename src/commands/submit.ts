import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { splitCommand } from '../cli/argv.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { SubmitResult } from '../schemas/output.js';
import { parseDuration } from '../core/time.js';
import { slurmRequestFlags, slurmSubmitFlags } from '../executors/slurm/submit-flags.js';
import { sshRequestFlags, sshSubmitFlags } from '../executors/ssh/submit-flags.js';

export default class Submit extends RunlogCommand {
  static summary = 'Validate a run (script, config, checkpoint, hardware, clean tree, placement policy), then launch it and record the Job block.';
  static description =
    'Every preflight reason is recorded as validation_failed and committed, and the command exits 3 without starting anything. ' +
    'Give the command after --, or leave it out to run the script the run log declares.';
  static examples = [
    '<%= config.bin %> submit 2026-03-22_train -- node examples/train.mjs --steps 200',
    '<%= config.bin %> submit 2026-03-22_train --timeout 12h --heartbeat 20m --retries 3 --gpus 1 --mem 32G -- python train.py --config cfg.yaml',
    '<%= config.bin %> submit 2026-03-22_train --executor slurm --cluster gpu --partition a100 --gres gpu:4 --cpus 16 --mem 64G --time 12h --no-requeue -- python train.py',
    '<%= config.bin %> submit 2026-03-22_train --executor ssh --gpus 1 --mem 32G --tag cuda12 -- python train.py',
    '<%= config.bin %> submit 2026-03-22_train --executor ssh --host gpu-box.lab -- python train.py',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    executor: Flags.string({ description: 'where the job runs: this machine, Slurm, or a worker over SSH', options: ['local', 'slurm', 'ssh'], default: 'local' }),
    timeout: Flags.string({ description: 'wall-clock limit (e.g. 72h, 30m, 5s); default jobs.timeout' }),
    heartbeat: Flags.string({ description: 'longest time without a new step before the run is stalled; default jobs.heartbeat' }),
    retries: Flags.integer({ description: 'automatic retries for transient failures (0: none); default jobs.retries', min: 0 }),
    'stall-action': Flags.string({ description: 'what to do once a stall outlives jobs.stall_grace (resume: a new attempt from the newest complete checkpoint)', options: ['retry', 'resume', 'fail'] }),
    'init-from': Flags.string({ description: 'checkpoint directory to initialize from (must hold metadata.json)' }),
    'allow-dirty': Flags.boolean({ description: 'launch from a dirty tree and record the patch hash', default: false }),
    gpus: Flags.integer({ description: 'GPUs to reserve', min: 0 }),
    cpus: Flags.integer({ description: 'CPUs to reserve', min: 1 }),
    mem: Flags.string({ description: 'memory to reserve (e.g. 16G, 512M)' }),
    'override-policy': Flags.string({ description: 'place scarce hardware for light work anyway; the reason is recorded' }),
    image: Flags.string({ description: 'container image id the job runs in (recorded)' }),
    cwd: Flags.string({ description: 'working directory of the job (default: the current directory)' }),
    ...slurmSubmitFlags,
    ...sshSubmitFlags,
  };

  async run(): Promise<SubmitResult> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Submit, own);
    const slurm = slurmRequestFlags(flags.executor, flags);
    const ssh = sshRequestFlags(flags.executor, flags);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const { createContext, submitRun, parseMemMb } = await import('../jobs/index.js');
    const { resolve } = await import('node:path');
    const ctx = createContext(ledger, { push: flags.push });
    try {
      const out = await submitRun(ctx, {
        run: run.id,
        argv: command.length > 0 ? command : undefined,
        cwd: resolve(flags.cwd ?? process.cwd()),
        executor: flags.executor,
        cluster: flags.cluster,
        timeoutMs: flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout'),
        heartbeatMs: flags.heartbeat === undefined ? undefined : parseDuration(flags.heartbeat, '--heartbeat'),
        retries: flags.retries,
        stallAction: flags['stall-action'] as 'retry' | 'resume' | 'fail' | undefined,
        initFrom: flags['init-from'],
        allowDirty: flags['allow-dirty'],
        overridePolicy: flags['override-policy'],
        image: flags.image,
        ...ssh,
        resources: { ...slurm, gpus: flags.gpus ?? slurm.gpus, cpus: flags.cpus, memMb: flags.mem === undefined ? undefined : parseMemMb(flags.mem) },
      });
      this.say(`${out.id}: ${out.previousState} → ${out.state}, attempt ${out.attempt}, ${out.executor} job ${out.jobId ?? '?'}${out.host ? ` on ${out.host}` : ''}`);
      this.say(`output: ${out.outputLog ?? out.outputDir}`);
      this.say(`commit: ${out.commits.map((c) => c.slice(0, 12)).join(', ')}`);
      return this.toJson({ ...out, commit: out.commits.at(-1) ?? null, pushed: ctx.unpushed === 0 && out.commits.length > 0 });
    } finally {
      this.notePushError(ctx.pushError);
    }
  }
}
