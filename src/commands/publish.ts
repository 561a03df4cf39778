import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { usageError } from '../core/errors.js';
import type { PublishResult } from '../schemas/output.js';

export default class Publish extends RunlogCommand {
  static summary = 'Write a sanitized TRAINING_LOG.md (and copy the passport and signoff) for a public package; --check scans a published folder for leaks.';
  static description =
    'Removes Slurm job ids, node names, scratch/cluster paths, user names in paths, local W&B dirs, wandb_id.txt references and secrets; keeps config, the step/loss(/grad norm) table, the loss one-liner, final metrics, W&B links, checkpoint hashes and how to verify them. Rules: defaults plus publish.sanitize in runlog.config.yaml. --json reports each removal as {rule, count}, never the value.';
  static examples = ['<%= config.bin %> publish 2026-03-22_train --out hf_package', '<%= config.bin %> publish --check hf_package --json'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix' }) };
  static flags = {
    out: Flags.string({ description: 'folder to write TRAINING_LOG.md (+ MODEL_PASSPORT.json, SIGNOFF.json) into', exclusive: ['check'] }),
    check: Flags.string({ description: 'scan this published folder and fail (exit 1) on any leak; changes nothing' }),
  };

  async run(): Promise<PublishResult> {
    const { args, flags } = await this.parse(Publish);
    const path = await import('node:path');
    const { infrastructureNames, sanitizerFor } = await import('../publish/sanitize.js');
    const { literalsOf, publishRun, checkPublished } = await import('../publish/training-log.js');
    const { loadRun, fromLedger } = await import('../app/ckpt/context.js');
    if (!flags.check && !(args.run && flags.out)) {
      throw usageError('PUBLISH_USAGE', 'publish needs a run and --out, or --check <dir>', 'run `runlog publish <run> --out <dir>` or `runlog publish --check <dir>`');
    }
    const ledger = this.openLedger(flags);
    const ctx = args.run ? loadRun(ledger, args.run) : null;
    const sanitizer = sanitizerFor(ledger.config, ledger.config.scrub.rules, { ...(ctx ? literalsOf(ctx.doc) : {}), hosts: infrastructureNames(ledger.config) });

    if (flags.check) {
      const dir = path.resolve(flags.check);
      const leaks = await checkPublished(dir, sanitizer);
      for (const l of leaks) process.stderr.write(`${path.join(flags.check, l.file)}:${l.line}: leak [${l.rule}]\n`);
      if (leaks.length > 0) {
        if (!this.jsonEnabled()) process.stderr.write(`error[PUBLISH_LEAKS]: ${leaks.length} line(s) would publish private details\nhint: regenerate with \`runlog publish <run> --out <dir>\`, or remove those lines by hand\n`);
        process.exitCode = 1;
      } else this.say(`${dir}: no leaks`);
      return { out: dir, run: ctx?.run.id ?? null, check: true, files: [], removed: [], leaks };
    }
    const out = path.resolve(flags.out!);
    const final = ctx!.artifacts.finalCheckpoint;
    const [{ chartFile }, { readConfined }] = await Promise.all([import('../plot/paths.js'), import('../plot/output-logs.js')]);
    const chart = readConfined(ledger.root, chartFile(ledger.config.runs_dir, ctx!.run.id));
    const res = await publishRun({ runId: ctx!.run.id, doc: ctx!.doc, checkpoint: final ? fromLedger(ledger, final) : null, out, sanitizer, chart });
    this.say(`wrote ${res.files.map((f) => path.join(out, f)).join(', ')}`);
    for (const r of res.removed) this.say(`  removed ${r.count} × ${r.rule}`);
    if (res.leaks.length > 0) {
      for (const l of res.leaks) process.stderr.write(`${path.join(out, l.file)}:${l.line}: leak [${l.rule}]\n`);
      process.exitCode = 1;
    }
    return { out, run: ctx!.run.id, check: false, ...res };
  }
}
