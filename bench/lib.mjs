// Shared helpers for benchmarks: medians of real process runs, a fresh ledger.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = join(ROOT, 'bin', 'run.js');

export function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

/** Median wall time in ms of `fn` over `n` runs (after one warm-up). */
export function median(n, fn) {
  fn();
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)];
}

export function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function freshLedger() {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-bench-'));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'bench@runlog.local');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'gc.auto', '0');
  run('node', [CLI, 'init', '--no-push'], dir);
  return dir;
}

export function report(name, ours, floor, target) {
  const ratio = ours / floor;
  const line = `${name}: runlog ${ours.toFixed(1)} ms, floor ${floor.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x (target <= ${target}x) ${ratio <= target ? 'OK' : 'OVER'}`;
  console.log(line);
  writeFileSync(join(tmpdir(), `runlog-bench-${name}.txt`), `${line}\n`);
  return { name, ours, floor, ratio, target };
}
