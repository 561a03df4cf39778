/** `runlog wandb record`: note a run's local W&B dir and/or synced URL in its Job block. */
import type { CommandOutput } from '../../cli/output.js';
import { usageError } from '../../core/errors.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import { resolveRun } from '../../ledger/read/runs.js';
import type { WandbRecordResult } from '../../schemas/output.js';
import { committed, type LedgerInput } from '../ledger-input.js';

export interface WandbRecordInput extends LedgerInput {
  run: string;
  job?: string;
  local?: string;
  synced?: string[];
}

export async function wandbRecordService(input: WandbRecordInput): Promise<CommandOutput<WandbRecordResult>> {
  if (!input.local && !input.synced)
    throw usageError('WANDB_RECORD_EMPTY', 'nothing to record', 'pass --local <dir> and/or --synced <url>');
  for (const u of input.synced ?? []) {
    if (!/^https:\/\/\S+$/.test(u))
      throw usageError(
        'BAD_FLAG',
        `--synced ${JSON.stringify(u)} is not an https URL`,
        'pass the run URL, e.g. https://wandb.ai/<entity>/<project>/runs/<id>',
      );
  }
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  const args = {
    run: run.id,
    at: new Date().toISOString(),
    job: input.job,
    local: input.local,
    synced: input.synced ?? [],
  };
  const tx = await commit<{ job: string }>(ledger, { kind: 'wandb', run: run.id, args }, { push: input.push });
  return {
    result: { run: run.id, job: tx.result.job, recorded: tx.commit !== null, ...committed(tx) },
    human: [`${run.id}: W&B recorded in ${tx.result.job}`],
    pushError: tx.pushError,
  };
}
