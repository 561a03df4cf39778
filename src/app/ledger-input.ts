/** What every service that opens the ledger takes from the command line. */
import type { TxResult } from '../ledger/commit.js';

export interface LedgerInput {
  /** Ledger root (default: the nearest ancestor with runlog.config.yaml). */
  ledger?: string;
  /** Push after committing; false commits locally only. */
  push: boolean;
}

/** The commit fields every record command reports. */
export function committed(tx: Pick<TxResult, 'commit' | 'pushed'>): { commit: string | null; pushed: boolean } {
  return { commit: tx.commit, pushed: tx.pushed };
}
