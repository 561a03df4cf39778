// Many writers on one bare remote, all at once, against the same appends done serially from one clone.
//   WRITERS=32 APPENDS=3          32 clones, each appending 3 entries to its own run (the many-agents case)
//   SHARED=1 WRITERS=8 APPENDS=25 every clone appends to the same run log
//   APART=1                       each writer as if on its own machine (its own TMPDIR: no shared push queue)
// Checks that every entry reached the remote, that no merge commit was made, and counts the appends
// that exited 5 (push patience spent); reports push retries per entry (from append --json).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, git, report, run } from './lib.mjs';

const pexec = promisify(execFile);
const WRITERS = Number(process.env.WRITERS ?? 32);
const APPENDS = Number(process.env.APPENDS ?? 3);
const SHARED = process.env.SHARED === '1';
const APART = process.env.APART === '1';

const base = mkdtempSync(join(tmpdir(), 'runlog-bench-concurrent-'));
const remote = join(base, 'remote.git');
git(base, 'init', '-q', '--bare', '-b', 'main', remote);
const clone = (name) => {
  const dir = join(base, name);
  git(base, 'clone', '-q', remote, dir);
  git(dir, 'config', 'user.email', `${name}@runlog.local`);
  git(dir, 'config', 'user.name', name);
  git(dir, 'config', 'gc.auto', '0');
  return dir;
};
const first = join(base, 'first');
git(base, 'init', '-q', '-b', 'main', first);
git(first, 'config', 'user.email', 'first@runlog.local');
git(first, 'config', 'user.name', 'first');
git(first, 'config', 'gc.auto', '0');
run('node', [CLI, 'init', '--remote', remote], first);
const runOf = (w) => (SHARED ? 'shared' : `w${w}`);
for (const name of new Set([...Array.from({ length: WRITERS }, (_, w) => runOf(w)), 'serial'])) {
  run('node', [CLI, 'new', name, '--type', 'experiment', '--objective', 'bench', '--date', '2026-03-22'], first);
}

const retries = [];
const machines = new Map();
const envOf = (dir) => {
  if (!APART) return process.env;
  if (!machines.has(dir)) machines.set(dir, mkdtempSync(join(base, 'tmp-')));
  return { ...process.env, TMPDIR: machines.get(dir) };
};
const append = async (dir, id, msg) => {
  try {
    const { stdout } = await pexec('node', [CLI, 'append', id, msg, '--json'], { cwd: dir, env: envOf(dir) });
    retries.push(JSON.parse(stdout).pushRetries ?? NaN);
    return 0;
  } catch (e) {
    return e.code ?? 1;
  }
};

const clones = Array.from({ length: WRITERS }, (_, i) => clone(`w${i}`));
let t = Date.now();
const codes = await Promise.all(
  clones.map(async (dir, w) => {
    const out = [];
    for (let k = 0; k < APPENDS; k++) out.push(await append(dir, `2026-03-22_${runOf(w)}`, `w${w} #${k}`));
    return out;
  }),
);
const concurrentMs = Date.now() - t;
const flat = codes.flat();
const exit5 = flat.filter((c) => c === 5).length;
const otherFailures = flat.filter((c) => c !== 0 && c !== 5).length;
const concurrentRetries = retries.splice(0);
for (const dir of clones) if (exit5 > 0) run('node', [CLI, 'sync'], dir);

t = Date.now();
for (let k = 0; k < WRITERS * APPENDS; k++) await append(first, '2026-03-22_serial', `s #${k}`);
const serialMs = Date.now() - t;

const check = clone('check');
const ids = [...new Set(Array.from({ length: WRITERS }, (_, w) => runOf(w)))];
const entries = ids
  .map(
    (id) =>
      JSON.parse(run('node', [CLI, 'show', `2026-03-22_${id}`, '--json'], check)).status.filter((e) =>
        /^w\d+ #\d+$/.test(e.message),
      ).length,
  )
  .reduce((a, b) => a + b, 0);
const mergeList = git(check, 'rev-list', '--merges', 'HEAD').trim();
const merges = mergeList ? mergeList.split('\n').length : 0;
const total = WRITERS * APPENDS;
const perEntry = concurrentRetries.reduce((a, b) => a + b, 0) / Math.max(1, concurrentRetries.length);
const maxRetries = Math.max(0, ...concurrentRetries.filter((x) => !Number.isNaN(x)));
console.log(
  `concurrent: ${WRITERS} clones${APART ? ' as if on separate machines' : ''} x ${APPENDS} appends (${SHARED ? 'one shared run log' : 'each its own run'}) in ${(concurrentMs / 1000).toFixed(1)} s; ` +
    `${exit5} exited 5, ${otherFailures} failed otherwise; ${entries}/${total} entries on the remote; merge commits: ${merges}; ` +
    `push retries per entry ${perEntry.toFixed(2)} (max ${maxRetries})`,
);
console.log(
  `serial: ${total} appends from one clone in ${(serialMs / 1000).toFixed(1)} s; concurrent/serial = ${(concurrentMs / serialMs).toFixed(2)}x`,
);
report(`concurrent-${WRITERS}${SHARED ? '-shared' : ''}${APART ? '-apart' : ''}`, concurrentMs, serialMs, 2, {
  exit5,
  failed: otherFailures,
  entries,
  merges,
  retries_per_entry: Math.round(perEntry * 100) / 100,
  max_retries: maxRetries,
});
rmSync(base, { recursive: true, force: true });
if (entries !== total || merges || otherFailures) process.exit(1);
