// 8 writers x 25 appends to the same run log from 8 clones of one bare remote,
// against the same 200 appends done serially from one clone. Reports wall
// times and checks that all 200 entries reached the remote.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI, git, report, run } from './lib.mjs';

const pexec = promisify(execFile);
const WRITERS = Number(process.env.WRITERS ?? 8);
const APPENDS = Number(process.env.APPENDS ?? 25);

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
run('node', [CLI, 'init', '--remote', remote], first);
run('node', [CLI, 'new', 'shared', '--type', 'experiment', '--objective', 'bench', '--date', '2026-03-22'], first);
run('node', [CLI, 'new', 'serial', '--type', 'experiment', '--objective', 'bench', '--date', '2026-03-22'], first);

const append = async (dir, id, msg) => {
  try {
    await pexec('node', [CLI, 'append', id, msg], { cwd: dir });
    return 0;
  } catch (e) {
    return e.code ?? 1;
  }
};

const clones = Array.from({ length: WRITERS }, (_, i) => clone(`w${i}`));
let t = Date.now();
const codes = await Promise.all(clones.map(async (dir, w) => {
  const out = [];
  for (let k = 0; k < APPENDS; k++) out.push(await append(dir, '2026-03-22_shared', `w${w} #${k}`));
  return out;
}));
const concurrentMs = Date.now() - t;
const exit5 = codes.flat().filter((c) => c === 5).length;
if (exit5 > 0) run('node', [CLI, 'sync'], clones[0]);

t = Date.now();
for (let k = 0; k < WRITERS * APPENDS; k++) await append(first, '2026-03-22_serial', `s #${k}`);
const serialMs = Date.now() - t;

const check = clone('check');
const entries = JSON.parse(run('node', [CLI, 'show', '2026-03-22_shared', '--json'], check)).status.filter((e) => /^w\d+ #\d+$/.test(e.message)).length;
const merges = git(check, 'rev-list', '--merges', 'HEAD').trim();
console.log(`concurrent: ${WRITERS}x${APPENDS} appends from ${WRITERS} clones in ${(concurrentMs / 1000).toFixed(1)} s (${exit5} exited 5 and were pushed by sync); ${entries}/${WRITERS * APPENDS} entries on the remote; merge commits: ${merges ? merges.split('\n').length : 0}`);
console.log(`serial: ${WRITERS * APPENDS} appends from one clone in ${(serialMs / 1000).toFixed(1)} s; concurrent/serial = ${(concurrentMs / serialMs).toFixed(2)}x`);
report(`concurrent-${WRITERS}`, concurrentMs, serialMs, 2, { exit5, entries, merges: merges ? merges.split('\n').length : 0 });
rmSync(base, { recursive: true, force: true });
if (entries !== WRITERS * APPENDS || merges) process.exit(1);
