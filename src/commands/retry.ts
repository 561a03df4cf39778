import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { splitCommand } from '../cli/argv.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { renderOperator } from '../cli/render/operator.js';

export default class Retry extends RunlogCommand {
  static summary = 'Start a new attempt of an ended run (## Job (retry N)) with the same request, or the command given after --; preflight runs again.';
  static examples = ['<%= config.bin %> retry 2026-03-22_train', '<%= config.bin %> retry 2026-03-22_train -- node train.mjs --lr 1e-4'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };

  async run(): Promise<OperatorResultOut> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Retry, own);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const { createContext, retryRun } = await import('../jobs/index.js');
    const ctx = createContext(ledger, { push: flags.push });
    try {
      const out = await retryRun(ctx, run.id, { argv: command });
      this.say(renderOperator(out));
      return this.toJson({ ...out, pushed: ctx.unpushed === 0 && out.commits.length > 0 });
    } finally {
      this.notePushError(ctx.pushError);
    }
  }
}
