import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { WandbShowResult } from '../../schemas/output.js';

export default class WandbShow extends RunlogCommand {
  static summary = "Read a run's offline W&B dirs (no network): run id, config, summary metrics, size, and staging bloat to clean before any sync.";
  static examples = ['<%= config.bin %> wandb show 2026-03-22_train', '<%= config.bin %> wandb show wandb/offline-run-20260311_150000-abc123 --json'];
  static args = { target: Args.string({ description: 'run id, file path, or unique suffix; or a W&B dir (run dir, wandb/, or the dir holding wandb/)', required: true }) };
  static flags = {
    dir: Flags.string({ description: 'the W&B dir, when the run log records none' }),
    'bloat-threshold-mb': Flags.integer({ description: 'media + artifacts + staging above this is flagged (MiB, default 1024)' }),
  };

  async run(): Promise<WandbShowResult> {
    const { args, flags } = await this.parse(WandbShow);
    const path = await import('node:path');
    const { wandbDirs } = await import('./dirs.js');
    const { readWandbRuns, findStagingBloat } = await import('../../wandb/index.js');
    const { ctx, dirs } = wandbDirs(() => this.openLedger(flags), args.target, flags.dir);
    const opts = flags['bloat-threshold-mb'] === undefined ? {} : { thresholdBytes: flags['bloat-threshold-mb'] * 1024 * 1024 };
    const runs = (await Promise.all(dirs.map((d) => readWandbRuns(d, opts)))).flat();
    // Staging lives beside wandb/ (wandb_data/artifacts/staging), not inside the run dirs.
    const projectDirs = [...new Set(dirs.map((d) => (/(?:offline-)?run-\d{8}_\d{6}-/.test(path.basename(d)) ? path.dirname(path.dirname(d)) : path.basename(d) === 'wandb' ? path.dirname(d) : d)))];
    let staging: Awaited<ReturnType<typeof findStagingBloat>> = null;
    for (const p of projectDirs) staging ??= await findStagingBloat(p, opts);
    const bloatFlagged = runs.some((r) => r.bloat.flagged) || staging?.flagged === true;
    for (const r of runs) {
      const metrics = Object.entries(r.summary ?? {}).filter(([k, v]) => !k.startsWith('_') && typeof v === 'number');
      this.say(`${r.id}  ${r.offline ? 'offline' : 'online'}  ${r.startedAt}  ${(r.sizeBytes / 1024 ** 2).toFixed(1)} MiB  ${r.path}`);
      if (metrics.length > 0) this.say(`  summary: ${metrics.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`);
      if (r.bloat.flagged) this.say(`  BLOAT: ${(r.bloat.bytes / 1024 ** 2).toFixed(1)} MiB in media/artifacts/staging; largest: ${r.bloat.offenders.slice(0, 3).map((o) => o.path).join(', ')}`);
      for (const w of r.warnings) this.warn2(`${r.id}: ${w}`);
    }
    if (staging?.flagged) this.say(`BLOAT: ${(staging.bytes / 1024 ** 2).toFixed(1)} MiB of transient artifact staging in ${staging.path}; remove only staging data before syncing`);
    return {
      run: ctx?.run.id ?? null,
      dirs,
      runs: runs.map((r) => ({ id: r.id, path: r.path, offline: r.offline, startedAt: r.startedAt, sizeBytes: r.sizeBytes, config: r.config, summary: r.summary, bloat: r.bloat, warnings: r.warnings })),
      staging: staging ? { ...staging } : null,
      bloatFlagged,
    };
  }
}
