import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { CkptPruneResult } from '../../schemas/output.js';

export default class CkptPrune extends RunlogCommand {
  static summary = 'List checkpoint deletion candidates; delete them only with --yes (or an interactive yes).';
  static description =
    'Always kept: the newest N complete checkpoints, the final checkpoint, the launch checkpoint (initialize_from), every recovery source (resumed from), milestone anchors, multiples of --keep-every, anything --protect names, and a checkpoint newer than every complete one (it may still be being written). What was removed is recorded in the run log.';
  static examples = ['<%= config.bin %> ckpt prune 2026-03-22_train --keep-last 3', '<%= config.bin %> ckpt prune 2026-03-22_train --keep-last 3 --keep-every 100000 --yes'];
  static args = { target: Args.string({ description: 'run id, file path, or unique suffix; or an output root directory', required: true }) };
  static flags = {
    'keep-last': Flags.integer({ description: 'keep the newest N complete checkpoints', required: true }),
    'keep-every': Flags.integer({ description: 'keep every checkpoint whose step is a multiple of this' }),
    protect: Flags.string({ description: 'another checkpoint never to delete', multiple: true }),
    milestone: Flags.integer({ description: 'step that is a milestone anchor', multiple: true }),
    'output-root': Flags.string({ description: 'directory that holds the checkpoints' }),
    yes: Flags.boolean({ description: 'delete the listed candidates (without it: list only)' }),
  };

  async run(): Promise<CkptPruneResult> {
    const { args, flags } = await this.parse(CkptPrune);
    const { checkpointContext } = await import('../../app/ckpt/context.js');
    const { listCheckpoints, annotateLineage, planPrune, applyPrune } = await import('../../checkpoints/index.js');
    const path = await import('node:path');
    const ctx = checkpointContext(() => this.openLedger(flags), args.target, { outputRoot: flags['output-root'], milestone: flags.milestone });
    const ckpts = annotateLineage(await listCheckpoints(ctx.root), ctx.lineage);
    const plan = planPrune(ckpts, {
      keepLast: flags['keep-last'],
      keepEvery: flags['keep-every'],
      final: ctx.final ?? undefined,
      protect: (flags.protect ?? []).map((p) => path.resolve(p)),
    });
    const result: CkptPruneResult = {
      root: ctx.root,
      run: ctx.run?.run.id ?? null,
      dryRun: true,
      delete: plan.delete.map((c) => ({ path: c.path, step: c.step, complete: c.complete })),
      keep: plan.keep.map((k) => ({ path: k.ckpt.path, step: k.ckpt.step, reasons: k.reasons })),
      removed: [],
      unmatchedProtect: plan.unmatchedProtect,
      commit: null,
      pushed: false,
    };
    for (const k of result.keep) this.say(`  keep    ${String(k.step).padStart(10)}  ${k.path}  (${k.reasons.join(', ')})`);
    for (const d of result.delete) this.say(`  DELETE  ${String(d.step).padStart(10)}  ${d.path}${d.complete ? '' : '  (incomplete)'}`);
    for (const u of plan.unmatchedProtect) this.warn2(`--protect/final ${u} matches no checkpoint under ${ctx.root}`);
    if (plan.delete.length === 0) {
      this.say('nothing to delete');
      return result;
    }
    const confirmed = flags.yes || (!this.jsonEnabled() && process.stdin.isTTY === true && (await this.confirm(plan.delete.length)));
    if (!confirmed) {
      this.say(`dry run: ${plan.delete.length} candidate(s); pass --yes to delete them`);
      return result;
    }
    const removed = await applyPrune(plan);
    result.dryRun = false;
    result.removed = removed.map((c) => ({ path: c.path, step: c.step }));
    this.say(`deleted ${removed.length} checkpoint(s)`);
    if (ctx.run && removed.length > 0) {
      const ledger = this.openLedger(flags);
      const tx = await this.commit(
        ledger,
        {
          kind: 'ckpt-prune',
          run: ctx.run.run.id,
          args: { run: ctx.run.run.id, at: new Date().toISOString(), root: ctx.root, removed: result.removed, kept: result.keep.map((k) => ({ step: k.step, reasons: k.reasons })) },
        },
        flags.push,
      );
      Object.assign(result, tx.out);
    }
    return this.toJson(result);
  }

  private async confirm(n: number): Promise<boolean> {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(`delete ${n} checkpoint(s)? type "yes" to confirm: `);
      return answer.trim().toLowerCase() === 'yes';
    } finally {
      rl.close();
    }
  }
}
