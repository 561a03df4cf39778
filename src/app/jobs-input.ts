/** What the job commands share: the ledger, a run named on the command line, and the job-lifecycle context. */
import { openLedger, type Ledger } from '../git/ledger-repo.js';
import type { SuperviseContext } from '../jobs/context.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { LedgerInput } from './ledger-input.js';

/** The ledger, the ids of the runs named by `refs` (resolved first: a bad ref is the first error), and the context. */
export async function jobContext(
  input: LedgerInput,
  refs: readonly string[] = [],
): Promise<{ ledger: Ledger; ids: string[]; ctx: SuperviseContext }> {
  const ledger = openLedger({ ledger: input.ledger });
  const ids = refs.map((ref) => resolveRun(ledger.root, ledger.config.runs_dir, ref).id);
  const { createContext } = await import('../jobs/context.js');
  return { ledger, ids, ctx: createContext(ledger, { push: input.push }) };
}

/** Pushed when every commit the context made reached the remote (and there was at least one, if `needCommit`). */
export function allPushed(ctx: SuperviseContext, commits: readonly string[] | null): boolean {
  return ctx.unpushed === 0 && (commits === null || commits.length > 0);
}

/** jobContext for a command about one run. */
export async function runContext(
  input: LedgerInput & { run: string },
): Promise<{ ledger: Ledger; id: string; ctx: SuperviseContext }> {
  const { ledger, ids, ctx } = await jobContext(input, [input.run]);
  return { ledger, id: ids[0] ?? input.run, ctx };
}
