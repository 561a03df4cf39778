/** `runlog new`: a run log from the template, in state pending, listed in the timeline. */
import type { CommandOutput } from '../cli/output.js';
import { validateSlug } from '../core/slug.js';
import { dateOnly, parseDateFlag } from '../core/time.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { NewArgs } from '../ledger/ops/record.js';
import type { NewResult } from '../schemas/output.js';
import { parseSettings } from './input.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface NewInput extends LedgerInput {
  task: string;
  type: string;
  subtype?: string;
  objective: string;
  group?: string;
  script?: string;
  config?: string;
  dataset?: string;
  setting?: string[];
  date?: string;
}

export async function newService(input: NewInput): Promise<CommandOutput<NewResult>> {
  const now = new Date();
  const a: NewArgs = {
    task: validateSlug(input.task, 'task'),
    type: input.type as NewArgs['type'],
    subtype: input.subtype,
    objective: input.objective,
    group: input.group === undefined ? undefined : validateSlug(input.group, 'group'),
    script: input.script,
    config: input.config,
    dataset: input.dataset,
    settings: parseSettings(input.setting),
    date: input.date ? parseDateFlag(input.date, '--date') : dateOnly(now),
    at: now.toISOString(),
  };
  const ledger = openLedger({ ledger: input.ledger });
  const id = `${a.group ? `${a.group}/` : ''}${a.date}_${a.task}`;
  const tx = await commit<{ id: string; path: string; state: string }>(
    ledger,
    { kind: 'new', run: id, args: { ...a } },
    { push: input.push },
  );
  return {
    result: { ...tx.result, ...committed(tx) },
    human: [`created ${tx.result.path} (${tx.result.state})`],
    pushError: tx.pushError,
  };
}
