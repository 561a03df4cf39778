// append --no-push vs the floor: `node -e 0` + `git commit` of the same one-line edit.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, freshLedger, git, median, report, run } from './lib.mjs';

const N = Number(process.env.N ?? 15);
const dir = freshLedger();
run('node', [CLI, 'new', 'train', '--type', 'experiment', '--objective', 'bench', '--no-push', '--date', '2026-03-22'], dir);
const file = join(dir, 'run_logs', '2026-03-22_train.md');

let i = 0;
const ours = median(N, () => run('node', [CLI, 'append', 'train', `bench entry ${i++}`, '--step', String(i), '--no-push'], dir));
const floor = median(N, () => {
  run('node', ['-e', '0'], dir);
  appendFileSync(file, `- 2026-03-22 10:00 UTC — running, step ${i++} — floor entry\n`);
  git(dir, 'commit', '-q', '-m', 'floor', '--', file);
});
report('append', ours, floor, 1.5);
