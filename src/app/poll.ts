/** `runlog poll`: one supervision pass over the active runs (or the named ones). */
import type { CommandOutput } from '../cli/output.js';
import { parseDuration } from '../core/time.js';
import type { PollResultOut } from '../schemas/output.js';
import { allPushed, jobContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface PollInput extends LedgerInput {
  /** Run refs; none: every active run. */
  runs: string[];
  'kill-grace'?: string;
}

export async function pollService(input: PollInput): Promise<CommandOutput<PollResultOut>> {
  const { ids, ctx } = await jobContext(input, input.runs);
  const runs = ids.length > 0 ? ids : undefined;
  if (input['kill-grace']) ctx.settings.killGraceMs = parseDuration(input['kill-grace'], '--kill-grace');
  const { pollPass } = await import('../jobs/pass.js');
  const report = await pollPass(ctx, { runs });
  const human = report.changes.map(
    (c) => `${c.id}: ${c.from} → ${c.to} (${c.action}) ${c.message}${c.commit ? ` [${c.commit.slice(0, 12)}]` : ''}`,
  );
  human.push(
    `${report.runs} active run(s), ${report.executorQueries} executor quer${report.executorQueries === 1 ? 'y' : 'ies'}, ${report.changes.length} change(s), ${report.durationMs} ms`,
  );
  const warnings = report.transportErrors.map((t) => `warning: executor unreachable, states unchanged: ${t}`);
  return { result: { ...report, pushed: allPushed(ctx, null) }, human, warnings, pushError: ctx.pushError };
}
