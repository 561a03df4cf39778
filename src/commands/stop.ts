import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { parseDuration } from '../core/time.js';
import { renderOperator } from '../cli/render/operator.js';

export default class Stop extends RunlogCommand {
  static summary = 'Stop the run\'s live job (SIGTERM, then SIGKILL after the grace) and record it canceled.';
  static examples = ['<%= config.bin %> stop 2026-03-22_train --reason "wrong learning rate"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it is stopped (recorded)', default: 'operator request' }),
    grace: Flags.string({ description: 'time between SIGTERM and SIGKILL; default jobs.kill_grace' }),
  };

  async run(): Promise<OperatorResultOut> {
    const { args, flags } = await this.parse(Stop);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const { createContext, stopRun } = await import('../jobs/index.js');
    const ctx = createContext(ledger, { push: flags.push });
    try {
      const out = await stopRun(ctx, run.id, flags.reason, { graceMs: flags.grace === undefined ? undefined : parseDuration(flags.grace, '--grace') });
      this.say(renderOperator(out));
      return this.toJson({ ...out, pushed: ctx.unpushed === 0 && out.commits.length > 0 });
    } finally {
      this.notePushError(ctx.pushError);
    }
  }
}
