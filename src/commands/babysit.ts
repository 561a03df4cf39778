import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { BabysitResult } from '../schemas/output.js';

export default class Babysit extends RunlogCommand {
  static summary =
    'Babysit a hero run: each cycle reads job state, output progress, checkpoints and W&B, runs the anomaly detectors, writes an Event Log entry, commits and pushes it, and posts milestones, failures and escalations to the issue.';
  static description =
    'Each entry says whether the monitor is stale (our monitoring is blind; the run may be fine) or the run is unhealthy, and what to do next. A routine check is written once per cadence window; the issue gets a routine status at most every 24 h. Without --once it loops until the job ends.';
  static examples = [
    '<%= config.bin %> babysit grug-moe-1e23-ep8 --every 15m',
    '<%= config.bin %> babysit grug-moe-1e23-ep8 --once --json',
    '<%= config.bin %> babysit router-collapse --once --log /scratch/me/probe.out',
  ];
  static args = {
    run: Args.string({ description: 'logbook slug under .agents/logbooks/ (hero or hand-kept)', required: true }),
  };
  static flags = {
    every: Flags.string({ description: 'check cadence', default: '15m' }),
    once: Flags.boolean({ description: 'run one cycle and exit', default: false }),
    'max-cycles': Flags.integer({ description: 'stop after this many cycles', min: 1 }),
    log: Flags.string({ description: 'job output log to read when the logbook has no run log (hand-kept logbooks)' }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<BabysitResult>> {
    const { args, flags } = await this.parse(Babysit);
    const { babysitService } = await import('../app/babysit.js');
    return this.present(await babysitService({ ...args, ...flags, progress: this.progress() }));
  }
}
