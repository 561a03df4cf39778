/**
 * `runlog wandb sync`: `wandb sync` of a run's offline dirs (a dry run
 * unless --yes), refusing flagged bloat; a real sync records the URLs in
 * the run log.
 */
import path from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { failed } from '../../core/errors.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import type { WandbSyncResult } from '../../schemas/output.js';
import { committed, type LedgerInput } from '../ledger-input.js';
import { wandbDirs } from './dirs.js';

export interface WandbSyncInput extends LedgerInput {
  target: string;
  dir?: string;
  entity: string;
  project: string;
  job?: string;
  yes: boolean;
  'allow-bloat': boolean;
}

export async function wandbSyncService(input: WandbSyncInput): Promise<CommandOutput<WandbSyncResult>> {
  const { runWandbSync, readWandbRuns } = await import('../../wandb/index.js');
  const { ctx, dirs } = wandbDirs(() => openLedger({ ledger: input.ledger }), input.target, input.dir);
  const bloated = (await Promise.all(dirs.map((d) => readWandbRuns(d)))).flat().filter((r) => r.bloat.flagged);
  const warnings = bloated.map(
    (r) =>
      `warning: ${r.id}: ${(r.bloat.bytes / 1024 ** 2).toFixed(1)} MiB in media/artifacts/staging (${r.bloat.offenders
        .slice(0, 3)
        .map((o) => o.path)
        .join(', ')})`,
  );
  if (input.yes && bloated.length > 0 && !input['allow-bloat']) {
    throw failed(
      'WANDB_BLOAT',
      `${bloated.length} W&B run(s) carry flagged staging/artifact bloat`,
      'remove only transient staging data (see `runlog wandb show`), or pass --allow-bloat to sync anyway',
    );
  }
  const result: WandbSyncResult = {
    run: ctx?.run.id ?? null,
    dryRun: true,
    argv: [],
    keySource: '',
    runs: [],
    urls: [],
    bloatFlagged: bloated.length > 0,
    recorded: false,
    commit: null,
    pushed: false,
  };
  for (const dir of dirs) {
    const r = await runWandbSync({ dir, entity: input.entity, project: input.project, yes: input.yes });
    result.dryRun = r.dryRun;
    result.argv.push(...(result.argv.length === 0 ? r.plan.argv : r.plan.argv.slice(5)));
    result.keySource = r.plan.keySource;
    result.runs.push(...r.plan.runs);
    result.urls.push(...r.urls);
  }
  const human = [
    `${result.dryRun ? 'would run' : 'ran'}: ${result.argv.join(' ')}  (key from ${result.keySource})`,
    ...result.urls.map((u) => `  ${u}`),
  ];
  if (result.dryRun) human.push('dry run: pass --yes to sync');
  if (result.dryRun || !ctx) return { result, human, warnings };
  const ledger = openLedger({ ledger: input.ledger });
  const local = path.relative(ledger.root, dirs[0]!);
  const args = {
    run: ctx.run.id,
    at: new Date().toISOString(),
    job: input.job,
    local: local.startsWith('..') ? dirs[0] : local.split(path.sep).join('/'),
    synced: result.urls,
  };
  const tx = await commit<{ job: string }>(ledger, { kind: 'wandb', run: ctx.run.id, args }, { push: input.push });
  return {
    result: { ...result, recorded: tx.commit !== null, ...committed(tx) },
    human,
    warnings,
    pushError: tx.pushError,
  };
}
