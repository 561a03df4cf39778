// list --json --state running over a generated ledger vs `node -e 0` + `grep -rl '^state: running' run_logs`.
// The ledger is committed and cloned: a fresh clone is what agents and CI start from.
//   MODE=warm  the run index exists (built by the warm-up run)
//   MODE=cold  .git/runlog removed before every run: the first `list` of a fresh clone
// Peak RSS of the CLI is reported for both, on the listing with and without the state filter.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, CLIS, git, pairs, peakRssMb, report, run } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 10000);
const N = Number(process.env.N ?? 7);
const MODE = process.env.MODE ?? 'warm';
const base = mkdtempSync(join(tmpdir(), 'runlog-bench-list-'));
const origin = join(base, 'origin');
mkdirSync(origin);
git(origin, 'init', '-q', '-b', 'main');
git(origin, 'config', 'user.email', 'bench@runlog.local');
git(origin, 'config', 'user.name', 'bench');
run('node', [CLI, 'init', '--no-push'], origin);
const states = ['running', 'completed', 'command_failed', 'pending', 'queued'];
const groups = Math.max(1, Math.ceil(RUNS / 1000));
for (let g = 0; g < groups; g++) {
  const folder = join(origin, 'run_logs', `group${g}`);
  mkdirSync(folder, { recursive: true });
  for (let k = 0; k < RUNS / groups; k++) {
    const state = states[(g * 7 + k) % states.length];
    const name = `2026-03-${String((k % 28) + 1).padStart(2, '0')}_task${k}`;
    writeFileSync(
      join(folder, `${name}.md`),
      `---\nschema_version: 1\nid: group${g}/${name}\nstate: ${state}\nrun_type: experiment\ncampaign: null\nattempt: 1\n---\n# task${k} — bench\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Job\n- execution_id: ${1000 + k}\n\n## Status\n- 2026-03-22 10:00 UTC — pending — run log created\n- 2026-03-22 11:00 UTC — ${state}, step ${k * 10}, train_loss 0.5 — checked\n\n## Results\n\n## Next\n`,
    );
  }
}
git(origin, 'add', '-A');
git(origin, 'commit', '-q', '-m', 'runs');
const dir = join(base, 'clone');
git(base, 'clone', '-q', origin, dir);
rmSync(origin, { recursive: true, force: true });
if (process.env.KEEP) console.log(`ledger: ${dir}`);

// RUNLOG_BENCH_CLIS=a,b measures several builds on the one generated ledger (100,000 files take minutes to make).
for (const [k, cli] of CLIS.entries()) {
  const args = [cli, 'list', '--json', '--state', 'running'];
  const dropIndex = () => rmSync(join(dir, '.git', 'runlog'), { recursive: true, force: true });
  dropIndex();
  const { ours, floor } = pairs(
    N,
    () => run('node', args, dir),
    () => {
      run('node', ['-e', '0'], dir);
      run('grep', ['-rl', '^state: running', 'run_logs'], dir);
    },
    MODE === 'cold' ? dropIndex : () => {},
  );
  const count = JSON.parse(run('node', args, dir)).runs.length;
  console.log(`list: ${count} running of ${RUNS} (${MODE}) with ${cli}`);
  if (MODE === 'cold') dropIndex();
  const rssFiltered = peakRssMb(args, dir);
  if (MODE === 'cold') dropIndex();
  const rssAll = peakRssMb([cli, 'list', '--json'], dir);
  report(`list-${MODE}-${RUNS}${k === 0 ? '' : `-${k}`}`, ours, floor, 2, {
    rss_mb: Math.round(rssFiltered),
    rss_all_mb: Math.round(rssAll),
  });
}
if (!process.env.KEEP) rmSync(base, { recursive: true, force: true });
