/** `runlog restart`: stop a live job first, then start a new attempt (see retry). */
import { renderOperator } from '../cli/render/operator.js';
import type { CommandOutput } from '../cli/output.js';
import { parseDuration } from '../core/time.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { allPushed, runContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface RestartInput extends LedgerInput {
  run: string;
  reason: string;
  grace?: string;
  command: string[];
}

export async function restartService(input: RestartInput): Promise<CommandOutput<OperatorResultOut>> {
  const { id, ctx } = await runContext(input);
  const { restartRun } = await import('../jobs/operator.js');
  const graceMs = input.grace === undefined ? undefined : parseDuration(input.grace, '--grace');
  const out = await restartRun(ctx, id, input.reason, { argv: input.command, graceMs });
  return {
    result: { ...out, pushed: allPushed(ctx, out.commits) },
    human: [renderOperator(out)],
    pushError: ctx.pushError,
  };
}
