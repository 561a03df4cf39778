/**
 * One logbook event end to end: commit the entry (marked `mirror=pending`
 * when it should reach the issue), then post what is pending. The logbook
 * commit comes first: git is the record, the issue is a view of it.
 */
import type { RunlogError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import type { LogbookEventArgs, LogbookWriteResult } from '../ledger/ops/logbook.js';
import { flushLogbook, type FlushResult } from './logbook-mirror.js';
import { commit } from '../ledger/commit.js';

export interface RecordedEvent extends LogbookWriteResult {
  commit: string | null;
  pushed: boolean;
  pushError?: RunlogError;
  mirror: LogbookWriteResult['mirror'];
  /** Set when the logbook had pending entries to post (this one or earlier ones). */
  flush: FlushResult | null;
}

export async function recordEvent(
  ledger: Ledger,
  kind: 'hero-event' | 'babysit-event',
  args: LogbookEventArgs,
  opts: { push: boolean; apiUrl?: string; env?: NodeJS.ProcessEnv },
): Promise<RecordedEvent> {
  const tx = await commit<LogbookWriteResult>(
    ledger,
    { kind, run: args.slug, args: args as unknown as Record<string, unknown> },
    { push: opts.push },
  );
  const flush = await flushLogbook(ledger, args.path, opts);
  const mirror = flush.posted.some((p) => p.eventId === args.eventId) ? 'posted' : tx.result.mirror;
  return {
    ...tx.result,
    mirror,
    commit: tx.commit,
    pushed: tx.pushed || flush.pushed,
    ...((tx.pushError ?? flush.pushError) ? { pushError: tx.pushError ?? flush.pushError } : {}),
    flush: flush.posted.length + flush.pending.length > 0 ? flush : null,
  };
}
