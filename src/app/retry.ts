/** `runlog retry`: a new attempt of an ended run, with the same launch plan (or the command given after `--`). */
import { renderOperator } from '../cli/render/operator.js';
import type { CommandOutput } from '../cli/output.js';
import type { OperatorResultOut } from '../schemas/output.js';
import { allPushed, runContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface RetryInput extends LedgerInput {
  run: string;
  command: string[];
  /** Replace the recorded script / config (a Status entry says so). */
  script?: string;
  config?: string;
}

export async function retryService(input: RetryInput): Promise<CommandOutput<OperatorResultOut>> {
  const { id, ctx } = await runContext(input);
  const { retryRun } = await import('../jobs/operator.js');
  const out = await retryRun(ctx, id, {
    argv: input.command,
    declared: { script: input.script, config: input.config },
  });
  return {
    result: { ...out, pushed: allPushed(ctx, out.commits) },
    human: [renderOperator(out)],
    pushError: ctx.pushError,
  };
}
