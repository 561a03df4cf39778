import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { splitCommand } from '../cli/argv.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { parseDuration } from '../core/time.js';
import { renderOperator } from '../cli/render/operator.js';

export default class Restart extends RunlogCommand {
  static summary = 'Stop the live job (if any), record it canceled, and start a new attempt right away.';
  static examples = ['<%= config.bin %> restart 2026-03-22_train --reason "node looked wedged"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it is restarted (recorded)', default: 'operator restart' }),
    grace: Flags.string({ description: 'time between SIGTERM and SIGKILL; default jobs.kill_grace' }),
  };

  async run(): Promise<OperatorResultOut> {
    const { own, command } = splitCommand(this.argv);
    const { args, flags } = await this.parse(Restart, own);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const { createContext, restartRun } = await import('../jobs/index.js');
    const ctx = createContext(ledger, { push: flags.push });
    try {
      const out = await restartRun(ctx, run.id, flags.reason, {
        argv: command,
        graceMs: flags.grace === undefined ? undefined : parseDuration(flags.grace, '--grace'),
      });
      this.say(renderOperator(out));
      return this.toJson({ ...out, pushed: ctx.unpushed === 0 && out.commits.length > 0 });
    } finally {
      this.notePushError(ctx.pushError);
    }
  }
}
