/**
 * `runlog sync`: push local commits that were not pushed, replaying their
 * operations onto a moved remote; then post the issue updates hero logbooks
 * still hold as `mirror=pending` (GitHub did not take them earlier).
 */
import type { CommandOutput } from '../cli/output.js';
import { RunlogError } from '../core/errors.js';
import { openLedger } from '../git/ledger-repo.js';
import { syncLedger } from '../ledger/commit.js';
import type { SyncResult } from '../schemas/output.js';
import type { LedgerInput } from './ledger-input.js';

export async function syncService(input: LedgerInput): Promise<CommandOutput<SyncResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const r = await syncLedger(ledger);
  const e = r.offline;
  const offline = e
    ? new RunlogError('push', e.timedOut ? 'REMOTE_TIMEOUT' : 'PUSH_FAILED', `could not update the remote ${ledger.config.remote}: ${e.reason}`, `${r.pending} commit(s) kept locally; run \`runlog sync\` again when the remote ${e.timedOut ? 'answers' : 'is reachable'}`)
    : undefined;
  const pushed = r.pushed ? ` (pushed ${r.pushed} commit(s)${r.replayed ? `, ${r.replayed} replayed onto the remote head` : ''})` : '';
  const human = [r.pending === 0 ? `up to date${pushed}` : `${r.pending} commit(s) not pushed`];
  const result = { pushed: r.pushed, pending: r.pending, replayed: r.replayed };
  if (!(ledger.config as Record<string, unknown>)['github']) return { result, human, pushError: offline };
  const { flushPendingMirror } = await import('../hero/logbook-mirror.js');
  const m = await flushPendingMirror(ledger, { push: input.push });
  for (const p of m.posted) human.push(`issue: posted ${p.eventId} from ${p.path}`);
  for (const p of m.pending) human.push(`issue: still pending ${p.eventId} from ${p.path} [${p.code}] ${p.reason}`);
  return { result: { ...result, mirror: { posted: m.posted, pending: m.pending } }, human, pushError: m.pushError ?? offline };
}
