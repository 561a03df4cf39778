/**
 * `runlog supervise`: passes at a fixed interval until a signal (SIGTERM,
 * Ctrl-C: after the current pass), --max-passes or, with --exit-when-idle,
 * no active run. Each change is said as it happens.
 */
import type { CommandOutput, Progress } from '../cli/output.js';
import { parseDuration } from '../core/time.js';
import type { SuperviseResult } from '../schemas/output.js';
import { allPushed, jobContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface SuperviseInput extends LedgerInput {
  every: string;
  'max-passes'?: number;
  'exit-when-idle': boolean;
  progress: Progress;
}

export async function superviseService(input: SuperviseInput): Promise<CommandOutput<SuperviseResult>> {
  const everyMs = parseDuration(input.every, '--every');
  const { ledger, ctx } = await jobContext(input);
  const { superviseLoop } = await import('../jobs/loop.js');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const say = input.progress;
  say.line(`supervise: watching ${ledger.root} every ${input.every} (SIGTERM or Ctrl-C stops after the current pass)`);
  try {
    const summary = await superviseLoop(ctx, {
      everyMs,
      maxPasses: input['max-passes'],
      exitWhenIdle: input['exit-when-idle'],
      signal: stop.signal,
      onChange: (c) =>
        say.line(
          `${new Date().toISOString()} ${c.id}: ${c.from} → ${c.to} (${c.action}) ${c.message}${c.commit ? ` [${c.commit.slice(0, 12)}]` : ''}`,
        ),
      onPass: (r) => {
        for (const t of r.transportErrors) say.warn(`warning: executor unreachable, states unchanged: ${t}`);
      },
    });
    return {
      result: { ...summary, pushed: allPushed(ctx, null) },
      human: [
        `supervise: ${summary.passes} pass(es), ${summary.changes.length} change(s), stopped by ${summary.stoppedBy}`,
      ],
      pushError: ctx.pushError,
    };
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
