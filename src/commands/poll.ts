import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { PollResultOut } from '../schemas/output.js';

export default class Poll extends RunlogCommand {
  static summary = 'One supervision pass over active runs: one executor query per executor, progress from the output, state changes committed.';
  static examples = ['<%= config.bin %> poll', '<%= config.bin %> poll 2026-03-22_train --json'];
  static strict = false;
  static args = {};
  static flags = {
    'kill-grace': Flags.string({ description: 'SIGTERM → SIGKILL grace when a timed-out or stalled job is stopped; default jobs.kill_grace' }),
  };

  async run(): Promise<PollResultOut> {
    const { argv, flags } = await this.parse(Poll);
    const ledger = this.openLedger(flags);
    const refs = argv as string[];
    const runs = refs.length > 0 ? refs.map((r) => resolveRun(ledger.root, ledger.config.runs_dir, r).id) : undefined;
    const { createContext, pollPass } = await import('../jobs/index.js');
    const { parseDuration } = await import('../core/time.js');
    const ctx = createContext(ledger, { push: flags.push });
    if (flags['kill-grace']) ctx.settings.killGraceMs = parseDuration(flags['kill-grace'], '--kill-grace');
    try {
      const report = await pollPass(ctx, { runs });
      for (const c of report.changes) this.say(`${c.id}: ${c.from} → ${c.to} (${c.action}) ${c.message}${c.commit ? ` [${c.commit.slice(0, 12)}]` : ''}`);
      this.say(`${report.runs} active run(s), ${report.executorQueries} executor quer${report.executorQueries === 1 ? 'y' : 'ies'}, ${report.changes.length} change(s), ${report.durationMs} ms`);
      for (const t of report.transportErrors) process.stderr.write(`warning: executor unreachable, states unchanged: ${t}\n`);
      return this.toJson({ ...report, pushed: ctx.unpushed === 0 });
    } finally {
      this.notePushError(ctx.pushError);
    }
  }
}
