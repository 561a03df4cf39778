/**
 * The only way a write reaches the ledger: an operation, applied to the
 * files as they are now inside the git transaction (lock, sync, commit with
 * the operation as a trailer, push with replay). Every command and service
 * calls `commit`; nothing else constructs a Transaction, so the lock, the
 * journal and the push rules hold for every write.
 */
import type { Applied, Operation } from '../core/operation.js';
import { ledgerView, type Ledger } from '../git/ledger-repo.js';
import { Transaction, type TxResult } from '../git/transaction.js';
import { applyOperation } from './ops/index.js';

export type { TxResult } from '../git/transaction.js';

/** Apply `op` and commit it; with `push`, push it too (a failed push keeps the commit: see `pushError`). */
export function commit<R>(ledger: Ledger, op: Omit<Operation, 'v'>, opts: { push: boolean }): Promise<TxResult<R>> {
  return new Transaction(ledger, applyOperation).run<R>({ v: 1, ...op }, opts);
}

/** `runlog sync`: push what is committed but not on the remote, replaying onto a moved remote. */
export function syncLedger(ledger: Ledger): ReturnType<Transaction['sync']> {
  return new Transaction(ledger, applyOperation).sync();
}

/**
 * What `op` would write, without the lock or a commit: the writes and the
 * files they would change (`--check` modes ask this and change nothing).
 */
export async function plan(ledger: Ledger, op: Omit<Operation, 'v'>): Promise<Applied & { changed: string[] }> {
  const view = ledgerView(ledger);
  const applied = await applyOperation(view, { v: 1, ...op });
  return { ...applied, changed: applied.writes.filter((w) => view.read(w.path) !== w.content).map((w) => w.path) };
}
