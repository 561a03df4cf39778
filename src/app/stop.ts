/** `runlog stop`: stop the run's job through its executor (SIGTERM, then SIGKILL after the grace) and record canceled. */
import { renderOperator } from '../cli/render/operator.js';
import type { CommandOutput } from '../cli/output.js';
import { parseDuration } from '../core/time.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { allPushed, runContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface StopInput extends LedgerInput {
  run: string;
  reason: string;
  grace?: string;
}

export async function stopService(input: StopInput): Promise<CommandOutput<OperatorResultOut>> {
  const { id, ctx } = await runContext(input);
  const { stopRun } = await import('../jobs/operator.js');
  const out = await stopRun(ctx, id, input.reason, {
    graceMs: input.grace === undefined ? undefined : parseDuration(input.grace, '--grace'),
  });
  return {
    result: { ...out, pushed: allPushed(ctx, out.commits) },
    human: [renderOperator(out)],
    pushError: ctx.pushError,
  };
}
