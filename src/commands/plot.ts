import { Args } from '@oclif/core';
import { plotService } from '../app/plot.js';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { PlotCommandResult } from '../schemas/output.js';

export default class Plot extends RunlogCommand {
  static summary = "(Re)draw the run's loss and throughput chart as SVG beside its run log and link it from Results.";
  static description = [
    'Writes <folder>/plots/<run file>.svg: train loss (and val loss when recorded) over step, throughput below, dashed lines where attempts started and at the final checkpoint, red ticks at NaN/Inf readings.',
    "Readings come from the Status entries and from the output logs of the run's attempts that are on this machine; long runs are downsampled (min/max per pixel column), so the file stays under 60 KB.",
    'The bytes are deterministic: drawing again with nothing new commits nothing. `runlog complete` and the supervisor draw it at completion too.',
  ].join('\n');
  static examples = ['<%= config.bin %> plot 2026-03-22_train', '<%= config.bin %> plot arx5/2026-03-22_train --json'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {};

  async run(): Promise<Envelope<PlotCommandResult>> {
    const { args, flags } = await this.parse(Plot);
    return this.present(await plotService({ run: args.run, ledger: flags.ledger, push: flags.push }));
  }
}
