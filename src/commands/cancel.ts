import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import { isoSeconds } from '../core/time.js';
import type { EntryResultOut } from '../schemas/output.js';

export default class Cancel extends RunlogCommand {
  static summary = 'Mark the run canceled, with the reason.';
  static examples = ['<%= config.bin %> cancel 2026-03-22_train --reason "superseded by lr sweep"'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };
  static flags = {
    reason: Flags.string({ description: 'why it was canceled', required: true }),
  };

  async run(): Promise<EntryResultOut> {
    const { args, flags } = await this.parse(Cancel);
    const ledger = this.openLedger(flags);
    const run = resolveRun(ledger.root, ledger.config.runs_dir, args.run);
    const live = await liveJob(run.abs, run.path);
    if (live) {
      // A launched job is stopped through its executor (scancel, SIGTERM) first, so canceled is never only on paper.
      const { createContext, stopRun } = await import('../jobs/index.js');
      const ctx = createContext(ledger, { push: flags.push });
      try {
        const out = await stopRun(ctx, run.id, flags.reason);
        this.say(`${run.id}: ${out.before} → ${out.after} (job ${out.jobIds.join(', ')} stopped: ${out.message})`);
        const entry = { at: isoSeconds(new Date()), state: out.after, step: null, metrics: {}, message: `stopped by operator: ${flags.reason}` };
        return this.toJson({ id: run.id, state: out.after, previousState: out.before, entry, jobIds: out.jobIds, commit: out.commit, pushed: ctx.unpushed === 0 && out.commits.length > 0 });
      } finally {
        this.notePushError(ctx.pushError);
      }
    }
    const tx = await this.commit<EntryResult>(ledger, { kind: 'cancel', run: run.id, args: { run: run.id, reason: flags.reason, at: new Date().toISOString() } }, flags.push);
    this.say(`${run.id}: ${tx.result.previousState} → canceled`);
    return this.toJson({ ...tx.result, ...tx.out });
  }
}

/** True when the run's latest attempt has a job an executor may still be running. */
async function liveJob(abs: string, path: string): Promise<boolean> {
  const { readFileSync } = await import('node:fs');
  const { RunLogDoc } = await import('../markdown/runlog.js');
  const { TERMINAL } = await import('../core/lifecycle.js');
  const { handleOf, latestAttempt } = await import('../jobs/attempt.js');
  const doc = new RunLogDoc(readFileSync(abs, 'utf8'), path);
  const attempt = latestAttempt(doc);
  return !TERMINAL.has(doc.view.state) && attempt !== undefined && handleOf(attempt) !== undefined;
}
