import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { RunlogError } from '../core/errors.js';
import type { SealResult } from '../schemas/output.js';

export default class Seal extends RunlogCommand {
  static summary = 'Verify a finished run and pin it: an annotated, pushed tag seal/<run>[/<milestone>] carrying final step, metrics, checkpoint, W&B run, command and caveats.';
  static description =
    'Refuses (SEAL_REFUSED, naming every missing item) unless the run completed, Results has the final step and metrics, the final checkpoint has metadata.json (and a valid passport when seal.require_passport is set), the recorded W&B run has final summary metrics, and the launch commit is in the repository. An approved dirty launch gets a seal commit with the recorded patch. Records the tag in the run log (`<run>: log final seal`). Running it again changes nothing.';
  static examples = ['<%= config.bin %> seal 2026-03-22_train', '<%= config.bin %> seal hero-1e23 --milestone step-100000 --checkpoint /out/checkpoints/100000'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    milestone: Flags.string({ description: 'seal a handoff milestone (tag seal/<run>/<milestone>) instead of the final result' }),
    checkpoint: Flags.string({ description: "the milestone's checkpoint (default: Results checkpoint)" }),
    'wandb-dir': Flags.string({ description: 'offline W&B run dir whose summary holds the final metrics' }),
    caveat: Flags.string({ description: 'a caveat to carry in the tag message', multiple: true }),
  };

  async run(): Promise<SealResult> {
    const { args, flags } = await this.parse(Seal);
    const path = await import('node:path');
    const { loadRun } = await import('../app/ckpt/context.js');
    const { planSeal, refuseSeal } = await import('../publish/seal.js');
    const { sealTag } = await import('../git/tags.js');
    const ledger = this.openLedger(flags);
    const { run, doc } = loadRun(ledger, args.run);
    const plan = await planSeal(ledger, run.id, doc, {
      milestone: flags.milestone,
      checkpoint: flags.checkpoint ? path.resolve(flags.checkpoint) : undefined,
      wandbDir: flags['wandb-dir'],
      caveats: flags.caveat ?? [],
    });
    if (plan.missing.length > 0) throw refuseSeal(run.id, plan.missing);
    const tag = await sealTag(ledger, { name: plan.tag, target: plan.target, message: plan.message, patch: plan.patch, push: flags.push });
    const tx = await this.commit<{ recorded: boolean }>(
      ledger,
      { kind: 'seal', run: run.id, args: { run: run.id, at: new Date().toISOString(), tag: plan.tag, target: tag.commit, milestone: flags.milestone, sealCommit: tag.sealCommit ?? undefined } },
      flags.push,
    );
    if (tag.pushError) {
      this.notePushError(new RunlogError('push', 'SEAL_TAG_PUSH_FAILED', `tag ${plan.tag} was created locally but not pushed: ${tag.pushError}`, 'run `runlog seal` again when the remote is reachable (it only pushes what is missing)'));
    }
    this.say(`${plan.tag} → ${tag.commit.slice(0, 12)}${tag.created ? ' (created)' : ' (already there)'}${tag.pushed ? ', pushed' : ''}`);
    if (tx.result.recorded) this.say(`recorded in ${run.path}`);
    return this.toJson({
      run: run.id,
      tag: plan.tag,
      target: tag.commit,
      sealCommit: tag.sealCommit,
      created: tag.created,
      tagPushed: tag.pushed,
      recorded: tx.result.recorded,
      message: plan.message,
      ...tx.out,
    });
  }
}
