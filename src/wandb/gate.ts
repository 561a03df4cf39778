/**
 * The strict W&B gate of a campaign: a run counts as ok only when its W&B
 * run exists (an offline or online run directory with
 * `files/wandb-metadata.json` under the run's output directory, or a synced
 * URL already recorded) and its W&B files were still being written within
 * one heartbeat of the run's end. Without that, the run completed but the
 * monitoring silently did not: the gate says so instead of counting it ok.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const RUN_DIR = /^(?:offline-run|run)-\d{8}_\d{6}-.+$/;

function newestMtime(dir: string): number {
  let newest = 0;
  const walk = (d: string, depth: number) => {
    for (const ent of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, ent.name);
      if (ent.isDirectory() && depth < 4) walk(p, depth + 1);
      else if (ent.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  walk(dir, 0);
  return newest;
}

export function wandbGate(
  outputDir: string,
  opts: { heartbeatMs: number; endedAtMs: number; syncedUrl?: string },
): { passed: boolean; reason: string } {
  if (opts.syncedUrl && /^https:\/\//.test(opts.syncedUrl)) return { passed: true, reason: `synced ${opts.syncedUrl}` };
  const base = join(outputDir, 'wandb');
  const runs = existsSync(base)
    ? readdirSync(base).filter((d) => RUN_DIR.test(d) && existsSync(join(base, d, 'files', 'wandb-metadata.json')))
    : [];
  if (runs.length === 0)
    return {
      passed: false,
      reason: `no W&B run: no wandb/<run>/files/wandb-metadata.json under the output directory and no synced URL`,
    };
  const last = Math.max(...runs.map((r) => newestMtime(join(base, r))));
  const lag = opts.endedAtMs - last;
  if (lag > opts.heartbeatMs)
    return {
      passed: false,
      reason: `W&B files stopped advancing ${Math.round(lag / 1000)} s before the run ended (heartbeat ${Math.round(opts.heartbeatMs / 1000)} s)`,
    };
  return { passed: true, reason: `W&B run ${runs.at(-1)} written until the end` };
}
