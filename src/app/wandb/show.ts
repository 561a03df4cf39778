/** `runlog wandb show`: a run's offline W&B dirs: summary metrics, size, and flagged media/artifact/staging bloat. */
import path from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { openLedger } from '../../git/ledger-repo.js';
import type { WandbShowResult } from '../../schemas/output.js';
import { wandbDirs } from './dirs.js';

export interface WandbShowInput {
  ledger?: string;
  target: string;
  dir?: string;
  'bloat-threshold-mb'?: number;
}

const mib = (bytes: number) => (bytes / 1024 ** 2).toFixed(1);

export async function wandbShowService(input: WandbShowInput): Promise<CommandOutput<WandbShowResult>> {
  const { readWandbRuns, findStagingBloat } = await import('../../wandb/index.js');
  const { ctx, dirs } = wandbDirs(() => openLedger({ ledger: input.ledger }), input.target, input.dir);
  const opts =
    input['bloat-threshold-mb'] === undefined ? {} : { thresholdBytes: input['bloat-threshold-mb'] * 1024 * 1024 };
  const runs = (await Promise.all(dirs.map((d) => readWandbRuns(d, opts)))).flat();
  // Staging lives beside wandb/ (wandb_data/artifacts/staging), not inside the run dirs.
  const projectDirs = [
    ...new Set(
      dirs.map((d) =>
        /(?:offline-)?run-\d{8}_\d{6}-/.test(path.basename(d))
          ? path.dirname(path.dirname(d))
          : path.basename(d) === 'wandb'
            ? path.dirname(d)
            : d,
      ),
    ),
  ];
  let staging: Awaited<ReturnType<typeof findStagingBloat>> = null;
  for (const p of projectDirs) staging ??= await findStagingBloat(p, opts);
  const human: string[] = [];
  const warnings: string[] = [];
  for (const r of runs) {
    const metrics = Object.entries(r.summary ?? {}).filter(([k, v]) => !k.startsWith('_') && typeof v === 'number');
    human.push(`${r.id}  ${r.offline ? 'offline' : 'online'}  ${r.startedAt}  ${mib(r.sizeBytes)} MiB  ${r.path}`);
    if (metrics.length > 0) human.push(`  summary: ${metrics.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
    if (r.bloat.flagged)
      human.push(
        `  BLOAT: ${mib(r.bloat.bytes)} MiB in media/artifacts/staging; largest: ${r.bloat.offenders
          .slice(0, 3)
          .map((o) => o.path)
          .join(', ')}`,
      );
    warnings.push(...r.warnings.map((w) => `warning: ${r.id}: ${w}`));
  }
  if (staging?.flagged)
    human.push(
      `BLOAT: ${mib(staging.bytes)} MiB of transient artifact staging in ${staging.path}; remove only staging data before syncing`,
    );
  return {
    result: {
      run: ctx?.run.id ?? null,
      dirs,
      runs: runs.map((r) => ({
        id: r.id,
        path: r.path,
        offline: r.offline,
        startedAt: r.startedAt,
        sizeBytes: r.sizeBytes,
        config: r.config,
        summary: r.summary,
        bloat: r.bloat,
        warnings: r.warnings,
      })),
      staging: staging ? { ...staging } : null,
      bloatFlagged: runs.some((r) => r.bloat.flagged) || staging?.flagged === true,
    },
    human,
    warnings,
  };
}
