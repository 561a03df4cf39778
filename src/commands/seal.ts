import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { SealResult } from '../schemas/output.js';

export default class Seal extends RunlogCommand {
  static summary =
    'Verify a finished run and pin it: an annotated, pushed tag seal/<run>[/<milestone>] carrying final step, metrics, checkpoint, W&B run, command and caveats.';
  static description =
    'Refuses (SEAL_REFUSED, naming every missing item) unless the run completed, Results has the final step and metrics, the final checkpoint has metadata.json (and a valid passport when seal.require_passport is set), the recorded W&B run has final summary metrics, and the launch commit is in the repository. An approved dirty launch gets a seal commit with the recorded patch. Records the tag in the run log (`<run>: log final seal`). Running it again changes nothing.';
  static examples = [
    '<%= config.bin %> seal 2026-03-22_train',
    '<%= config.bin %> seal hero-1e23 --milestone step-100000 --checkpoint /out/checkpoints/100000',
  ];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    milestone: Flags.string({
      description: 'seal a handoff milestone (tag seal/<run>/<milestone>) instead of the final result',
    }),
    checkpoint: Flags.string({ description: "the milestone's checkpoint (default: Results checkpoint)" }),
    'wandb-dir': Flags.string({ description: 'offline W&B run dir whose summary holds the final metrics' }),
    caveat: Flags.string({ description: 'a caveat to carry in the tag message', multiple: true }),
  };

  async run(): Promise<Envelope<SealResult>> {
    const { args, flags } = await this.parse(Seal);
    const { sealService } = await import('../app/seal.js');
    return this.present(await sealService({ ...args, ...flags }));
  }
}
