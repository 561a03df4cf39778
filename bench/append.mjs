// append --no-push vs the floor: `node -e 0` + `git commit` of the same one-line edit.
// Also times `git commit --no-verify` against commit-tree + update-ref plumbing on that edit.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CLIS, freshLedger, git, median, report, rounds, run } from './lib.mjs';

const N = Number(process.env.N ?? 15);
const dir = freshLedger();
run(
  'node',
  [CLI, 'new', 'train', '--type', 'experiment', '--objective', 'bench', '--no-push', '--date', '2026-03-22'],
  dir,
);
const file = join(dir, 'run_logs', '2026-03-22_train.md');
const rel = 'run_logs/2026-03-22_train.md';

let i = 0;
const edit = (what) => appendFileSync(file, `- 2026-03-22 10:00 UTC — running, step ${i++} — ${what}\n`);
const [floor, ...ours] = rounds(N, [
  () => {
    run('node', ['-e', '0'], dir);
    edit('floor entry');
    git(dir, 'commit', '-q', '-m', 'floor', '--', file);
  },
  ...CLIS.map(
    (cli) => () => run('node', [cli, 'append', 'train', `bench entry ${i++}`, '--step', String(i), '--no-push'], dir),
  ),
]);
const porcelain = median(N, () => {
  edit('porcelain');
  git(dir, 'commit', '-q', '--no-verify', '-m', 'porcelain', '--', rel);
});
const plumbing = median(N, () => {
  edit('plumbing');
  const blob = git(dir, 'hash-object', '-w', rel).trim();
  git(dir, 'update-index', '--cacheinfo', `100644,${blob},${rel}`);
  const tree = git(dir, 'write-tree').trim();
  const commit = git(dir, 'commit-tree', tree, '-p', 'HEAD', '-m', 'plumbing').trim();
  git(dir, 'update-ref', 'HEAD', commit);
});
console.log(
  `git commit --no-verify ${porcelain.toFixed(1)} ms vs hash-object + update-index + write-tree + commit-tree + update-ref ${plumbing.toFixed(1)} ms`,
);
for (const [k, t] of ours.entries())
  report(`append${k === 0 ? '' : `-${k}`}`, t, floor, 1.5, {
    git_commit_ms: Math.round(porcelain * 10) / 10,
    plumbing_ms: Math.round(plumbing * 10) / 10,
  });
