// show --json of a run log with 5,000 status entries vs `node -e 0` + `cat`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CLIS, freshLedger, report, rounds, run } from './lib.mjs';

const ENTRIES = Number(process.env.ENTRIES ?? 5000);
const N = Number(process.env.N ?? 9);
const dir = freshLedger();
if (process.env.KEEP) console.log(`ledger: ${dir}`);
let s =
  '---\nschema_version: 1\nid: 2026-03-22_big\nstate: running\nrun_type: experiment\ncampaign: null\nattempt: 1\n---\n# big — bench\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Job\n- execution_id: 1\n\n## Status\n';
for (let i = 0; i < ENTRIES; i++)
  s += `- 2026-03-22 ${String(Math.floor(i / 60) % 24).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} UTC — running, step ${i * 10}, train_loss ${(2 / (1 + i / 100)).toFixed(4)} — checked log\n`;
s += '\n## Results\n\n## Next\n';
const file = join(dir, 'run_logs', '2026-03-22_big.md');
writeFileSync(file, s);
const [floor, ...ours] = rounds(N, [
  () => {
    run('node', ['-e', '0'], dir);
    run('cat', [file], dir);
  },
  ...CLIS.map((cli) => () => run('node', [cli, 'show', '2026-03-22_big', '--json'], dir)),
]);
const shown = JSON.parse(run('node', [CLI, 'show', '2026-03-22_big', '--json'], dir)).status.length;
console.log(`show: ${shown} entries`);
for (const [k, t] of ours.entries()) report(`show-${ENTRIES}${k === 0 ? '' : `-${k}`}`, t, floor, 2);
