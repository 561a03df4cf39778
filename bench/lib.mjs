// Shared helpers for benchmarks: medians of real process runs, a fresh ledger.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI under test; RUNLOG_BENCH_CLI points at another build (e.g. the commit before a change). */
export const CLI = process.env.RUNLOG_BENCH_CLI ?? join(ROOT, 'bin', 'run.js');

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

/**
 * Medians of each of `fns` measured in rounds (a, b, c, a, b, c, ...): load
 * that comes and goes on a shared machine then hits every side alike, so
 * their ratios hold when absolute times do not. `before[i]` runs untimed
 * before each call of `fns[i]` (a cold start removes the index).
 */
export function rounds(n, fns, before = []) {
  const times = fns.map(() => []);
  const once = (i) => {
    before[i]?.();
    const t = process.hrtime.bigint();
    fns[i]();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  for (let i = 0; i < fns.length; i++) once(i);
  for (let r = 0; r < n; r++) for (let i = 0; i < fns.length; i++) times[i].push(once(i));
  return times.map((xs) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]);
}

/** `rounds` of runlog against its floor. */
export function pairs(n, ours, floor, beforeOurs = () => {}) {
  const [a, b] = rounds(n, [ours, floor], [beforeOurs]);
  return { ours: a, floor: b };
}

/** The CLIs under test: RUNLOG_BENCH_CLIS=a,b compares builds in one run (e.g. the commit before a change). */
export const CLIS = (process.env.RUNLOG_BENCH_CLIS ?? CLI).split(',');

/** Peak RSS in MB of `node <args>` (the CLI's own process, through bench/maxrss.cjs). */
export function peakRssMb(args, cwd) {
  const file = join(mkdtempSync(join(tmpdir(), 'runlog-bench-rss-')), 'rss');
  const r = spawnSync('node', ['-r', join(ROOT, 'bench', 'maxrss.cjs'), ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, RUNLOG_BENCH_RSS: file },
  });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  const mb = Number(readFileSync(file, 'utf8')) / 1024;
  rmSync(join(file, '..'), { recursive: true, force: true });
  return mb;
}

export function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export function freshLedger() {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-bench-'));
  // Removed when the benchmark ends (KEEP=1 keeps it to look at): every run used to leave one behind.
  if (!process.env.KEEP) process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'bench@runlog.local');
  git(dir, 'config', 'user.name', 'bench');
  git(dir, 'config', 'gc.auto', '0');
  run('node', [CLI, 'init', '--no-push'], dir);
  return dir;
}

/**
 * Print the result line and, for bench/record.mjs, one `BENCH {json}` line:
 * `extra` adds measurements (peak RSS, retries) to it.
 */
export function report(name, ours, floor, target, extra = {}) {
  const ratio = ours / floor;
  const more = Object.entries(extra)
    .map(([k, v]) => `, ${k} ${v}`)
    .join('');
  const line = `${name}: runlog ${ours.toFixed(1)} ms, floor ${floor.toFixed(1)} ms, ratio ${ratio.toFixed(2)}x (target <= ${target}x) ${ratio <= target ? 'OK' : 'OVER'}${more}`;
  console.log(line);
  console.log(
    `BENCH ${JSON.stringify({ name, runlog_ms: round(ours), floor_ms: round(floor), ratio: Math.round(ratio * 100) / 100, target, ...extra })}`,
  );
  writeFileSync(join(tmpdir(), `runlog-bench-${name}.txt`), `${line}\n`);
  return { name, ours, floor, ratio, target };
}

const round = (x) => Math.round(x * 10) / 10;
