/**
 * `runlog sync`: push local commits that were not pushed, replaying their
 * operations onto a moved remote; then post the issue updates logbooks still
 * hold as `mirror=pending` (GitHub did not take them earlier), whether or not
 * the ledger has a `github:` section: the logbook names its issue. What is
 * still pending is listed, and the answer is exit 5 until nothing is.
 */
import type { CommandOutput } from '../cli/output.js';
import { RunlogError } from '../core/errors.js';
import { openLedger } from '../git/ledger-repo.js';
import { syncLedger } from '../ledger/commit.js';
import type { SyncResult } from '../schemas/output.js';
import type { LedgerInput } from './ledger-input.js';

export interface SyncInput extends LedgerInput {
  'github-api'?: string;
}

export async function syncService(input: SyncInput): Promise<CommandOutput<SyncResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const r = await syncLedger(ledger);
  const e = r.offline;
  const offline = e
    ? new RunlogError(
        'push',
        e.timedOut ? 'REMOTE_TIMEOUT' : 'PUSH_FAILED',
        `could not update the remote ${ledger.config.remote}: ${e.reason}`,
        `${r.pending} commit(s) kept locally; run \`runlog sync\` again when the remote ${e.timedOut ? 'answers' : 'is reachable'}`,
      )
    : undefined;
  const pushed = r.pushed
    ? ` (pushed ${r.pushed} commit(s)${r.replayed ? `, ${r.replayed} replayed onto the remote head` : ''})`
    : '';
  const human = [r.pending === 0 ? `git: up to date${pushed}` : `git: ${r.pending} commit(s) not pushed`];
  const { flushPendingMirror } = await import('../hero/logbook-mirror.js');
  const m = await flushPendingMirror(ledger, { push: input.push, apiUrl: input['github-api'] });
  for (const p of m.posted) human.push(`issue: posted ${p.eventId} from ${p.path}`);
  for (const p of m.pending) human.push(`issue: still pending ${p.eventId} from ${p.path} [${p.code}] ${p.reason}`);
  if (m.posted.length === 0 && m.pending.length === 0) human.push('issue: nothing pending');
  const stillPending =
    m.pending.length > 0
      ? new RunlogError(
          'push',
          'MIRROR_PENDING',
          `${m.pending.length} issue update(s) not posted (${[...new Set(m.pending.map((p) => p.code))].join(', ')})`,
          'the entries stay in the logbook marked pending; fix what the code says (token, issue link) or wait for GitHub, then run `runlog sync` again',
        )
      : undefined;
  const result = {
    pushed: r.pushed,
    pending: r.pending,
    replayed: r.replayed,
    mirror: { posted: m.posted, pending: m.pending },
  };
  return { result, human, pushError: offline ?? m.pushError ?? stillPending };
}
