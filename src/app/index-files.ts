/** `runlog timeline` and `runlog experiments`: rebuild a folder index, or with --check only say whether it is stale. */
import type { CommandOutput } from '../cli/output.js';
import { validateSlug } from '../core/slug.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit, plan } from '../ledger/commit.js';
import type { IndexResult } from '../schemas/output.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface IndexInput extends LedgerInput {
  group?: string;
  check: boolean;
}

export async function rebuildIndex(
  kind: 'timeline' | 'experiments',
  input: IndexInput,
): Promise<CommandOutput<IndexResult>> {
  const group = input.group === undefined ? undefined : validateSlug(input.group, 'group');
  const ledger = openLedger({ ledger: input.ledger });
  const planned = await plan(ledger, { kind, args: { group } });
  const files = planned.writes.map((w) => w.path);
  const stale = planned.changed;
  const upToDate = `${kind}: up to date (${files.length} file(s))`;
  if (input.check) {
    const result = { files, stale, commit: null, pushed: false };
    if (stale.length === 0) return { result, human: [upToDate] };
    return {
      result,
      human: [],
      warnings: [`stale: ${stale.join(', ')}`, `hint: run \`runlog ${kind}\` to rebuild`],
      exitCode: 1,
    };
  }
  const tx = await commit(ledger, { kind, args: { group } }, { push: input.push });
  return {
    result: { files, stale, ...committed(tx) },
    human: [stale.length > 0 ? `rebuilt ${stale.join(', ')}` : upToDate],
    pushError: tx.pushError,
  };
}
