import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import { failed } from '../../core/errors.js';
import type { WandbSyncResult } from '../../schemas/output.js';

export default class WandbSync extends RunlogCommand {
  static summary = "Sync a run's offline W&B dirs with the wandb CLI: dry run by default, --yes to do it; records the synced URL in the Job block and W&B section.";
  static description =
    'The destination is always explicit (--entity, --project); stale defaults inside the offline run are not used. The API key comes from WANDB_API_KEY, ~/.wandb_token or ~/.wandb_key, goes only to the wandb child process, and is never printed or written. Staging bloat blocks a real sync unless --allow-bloat.';
  static examples = ['<%= config.bin %> wandb sync 2026-03-22_train --entity acme --project arx5', '<%= config.bin %> wandb sync 2026-03-22_train --entity acme --project arx5 --yes'];
  static args = { target: Args.string({ description: 'run id, file path, or unique suffix; or a W&B dir', required: true }) };
  static flags = {
    entity: Flags.string({ description: 'W&B entity (team or user)', required: true }),
    project: Flags.string({ description: 'W&B project', required: true }),
    yes: Flags.boolean({ description: 'run the sync (without it: show what would run)' }),
    dir: Flags.string({ description: 'the W&B dir, when the run log records none' }),
    job: Flags.string({ description: 'Job block heading the W&B run belongs to (default: the newest)' }),
    'allow-bloat': Flags.boolean({ description: 'sync even when staging bloat is flagged' }),
  };

  async run(): Promise<WandbSyncResult> {
    const { args, flags } = await this.parse(WandbSync);
    const path = await import('node:path');
    const { wandbDirs } = await import('./dirs.js');
    const { runWandbSync, readWandbRuns } = await import('../../wandb/index.js');
    const { ctx, dirs } = wandbDirs(() => this.openLedger(flags), args.target, flags.dir);
    const bloated = (await Promise.all(dirs.map((d) => readWandbRuns(d)))).flat().filter((r) => r.bloat.flagged);
    for (const r of bloated) this.warn2(`${r.id}: ${(r.bloat.bytes / 1024 ** 2).toFixed(1)} MiB in media/artifacts/staging (${r.bloat.offenders.slice(0, 3).map((o) => o.path).join(', ')})`);
    if (flags.yes && bloated.length > 0 && !flags['allow-bloat']) {
      throw failed('WANDB_BLOAT', `${bloated.length} W&B run(s) carry flagged staging/artifact bloat`, 'remove only transient staging data (see `runlog wandb show`), or pass --allow-bloat to sync anyway');
    }
    const result: WandbSyncResult = { run: ctx?.run.id ?? null, dryRun: true, argv: [], keySource: '', runs: [], urls: [], bloatFlagged: bloated.length > 0, recorded: false, commit: null, pushed: false };
    for (const dir of dirs) {
      const r = await runWandbSync({ dir, entity: flags.entity, project: flags.project, yes: flags.yes });
      result.dryRun = r.dryRun;
      result.argv.push(...(result.argv.length === 0 ? r.plan.argv : r.plan.argv.slice(5)));
      result.keySource = r.plan.keySource;
      result.runs.push(...r.plan.runs);
      result.urls.push(...r.urls);
    }
    this.say(`${result.dryRun ? 'would run' : 'ran'}: ${result.argv.join(' ')}  (key from ${result.keySource})`);
    for (const u of result.urls) this.say(`  ${u}`);
    if (result.dryRun) this.say('dry run: pass --yes to sync');
    if (!result.dryRun && ctx) {
      const ledger = this.openLedger(flags);
      const local = path.relative(ledger.root, dirs[0]!);
      const tx = await this.commit<{ job: string }>(
        ledger,
        {
          kind: 'wandb',
          run: ctx.run.id,
          args: { run: ctx.run.id, at: new Date().toISOString(), job: flags.job, local: local.startsWith('..') ? dirs[0] : local.split(path.sep).join('/'), synced: result.urls },
        },
        flags.push,
      );
      result.recorded = tx.commit !== null;
      Object.assign(result, tx.out);
    }
    return this.toJson(result);
  }
}
