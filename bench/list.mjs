// list --json --state running over a generated 10,000-run ledger vs `node -e 0` + `grep -rl '^state: running' run_logs`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, freshLedger, median, report, run } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 10000);
const N = Number(process.env.N ?? 7);
const dir = freshLedger();
if (process.env.KEEP) console.log(`ledger: ${dir}`);
const states = ['running', 'completed', 'command_failed', 'pending', 'queued'];
for (let g = 0; g < 100; g++) {
  const folder = join(dir, 'run_logs', `group${g}`);
  mkdirSync(folder, { recursive: true });
  for (let k = 0; k < RUNS / 100; k++) {
    const state = states[(g * 7 + k) % states.length];
    const id = `group${g}/2026-03-${String((k % 28) + 1).padStart(2, '0')}_task${k}`;
    writeFileSync(
      join(folder, `2026-03-${String((k % 28) + 1).padStart(2, '0')}_task${k}.md`),
      `---\nschema_version: 1\nid: ${id}\nstate: ${state}\nrun_type: experiment\ncampaign: null\nattempt: 1\n---\n# task${k} — bench\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Job\n- execution_id: ${1000 + k}\n\n## Status\n- 2026-03-22 10:00 UTC — pending — run log created\n- 2026-03-22 11:00 UTC — ${state}, step ${k * 10}, train_loss 0.5 — checked\n\n## Results\n\n## Next\n`,
    );
  }
}
const ours = median(N, () => run('node', [CLI, 'list', '--json', '--state', 'running'], dir));
const floor = median(N, () => {
  run('node', ['-e', '0'], dir);
  run('grep', ['-rl', '^state: running', 'run_logs'], dir);
});
const count = JSON.parse(run('node', [CLI, 'list', '--json', '--state', 'running'], dir)).runs.length;
console.log(`list: ${count} running of ${RUNS}`);
report('list', ours, floor, 2);
