/** One operation through the git transaction, for hero library code that commits more than once per command. */
import type { Ledger } from '../git/ledger-repo.js';
import { Transaction, type TxResult } from '../git/transaction.js';
import type { Operation } from '../core/operation.js';

export async function commitOp<R>(ledger: Ledger, op: Omit<Operation, 'v'>, push: boolean): Promise<TxResult<R>> {
  const { applyOperation } = await import('../ledger/ops/index.js');
  return new Transaction(ledger, applyOperation).run<R>({ v: 1, ...op }, { push });
}
