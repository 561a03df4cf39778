// compare --group over 1,000 runs vs list --group of the same folder, and
// diff of two runs (with a code diff between real launch commits) vs show of one.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, freshLedger, git, median, report, run } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 1000);
const ENTRIES = Number(process.env.ENTRIES ?? 2000);
const N = Number(process.env.N ?? 7);
const dir = freshLedger();
if (process.env.KEEP) console.log(`ledger: ${dir}`);

const states = ['completed', 'running', 'command_failed'];
const runLog = (id, k, sha, entries) => {
  let s = `---\nschema_version: 1\nid: ${id}\nstate: ${states[k % 3]}\nrun_type: experiment\ncampaign: sweep\nattempt: 1\n---\n# task${k} — bench\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Config\n- script: \`train.py\`\n- config: \`configs/c${k % 4}.yaml\`\n- dataset: \`shards@v${k % 2}\`\n- key settings: lr=${[1, 3, 10][k % 3]}e-4, batch=${[128, 256][k % 2]}, warmup=500, seed=${k}\n\n## Job\n- execution_id: ${1000 + k}\n- git_sha: \`${sha}\`\n- command: \`python train.py --config configs/c${k % 4}.yaml\`\n- runtime: \`01:${String(k % 60).padStart(2, '0')}:00\`\n\n## Status\n- 2026-03-22 10:00 UTC — pending — run log created\n`;
  for (let i = 0; i < entries; i++)
    s += `- 2026-03-22 ${String(10 + (Math.floor(i / 60) % 14)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} UTC — running, step ${i * 10}, train_loss ${(2 / (1 + i / 100)).toFixed(4)} — checked\n`;
  s += `\n## Results\n- final step: ${entries * 10}\n- end_train_loss: \`${(0.1 + (k % 97) / 1000).toFixed(4)}\`\n- end_val_loss: \`${(0.2 + (k % 89) / 1000).toFixed(4)}\`\n\n## Next\n`;
  return s;
};

// Two launch commits with a code change between them.
mkdirSync(join(dir, 'src'));
writeFileSync(join(dir, 'src', 'model.py'), 'hidden = 512\n');
git(dir, 'add', 'src');
git(dir, 'commit', '-qm', 'model');
const shaA = git(dir, 'rev-parse', 'HEAD').trim();
writeFileSync(join(dir, 'src', 'model.py'), 'hidden = 1024\n');
git(dir, 'commit', '-qam', 'wider model');
const shaB = git(dir, 'rev-parse', 'HEAD').trim();

const folder = join(dir, 'run_logs', 'sweep');
mkdirSync(folder, { recursive: true });
for (let k = 0; k < RUNS; k++)
  writeFileSync(join(folder, `2026-03-22_task${k}.md`), runLog(`sweep/2026-03-22_task${k}`, k, k % 2 ? shaB : shaA, 3));
writeFileSync(join(folder, '2026-03-23_big_a.md'), runLog('sweep/2026-03-23_big_a', 1, shaA, ENTRIES));
writeFileSync(join(folder, '2026-03-23_big_b.md'), runLog('sweep/2026-03-23_big_b', 2, shaB, ENTRIES));

const cli =
  (...args) =>
  () =>
    run('node', [CLI, ...args], dir);
const compareGroup = median(N, cli('compare', '--group', 'sweep', '--json'));
const listGroup = median(N, cli('list', '--group', 'sweep', '--json'));
const rows = JSON.parse(run('node', [CLI, 'compare', '--group', 'sweep', '--json'], dir)).runs.length;
console.log(`compare: ${rows} runs in the group`);
report('compare-group', compareGroup, listGroup, 2);

const diff = median(N, cli('diff', '2026-03-23_big_a', '2026-03-23_big_b', '--json'));
const show = median(N, cli('show', '2026-03-23_big_a', '--json'));
const d = JSON.parse(run('node', [CLI, 'diff', '2026-03-23_big_a', '2026-03-23_big_b', '--json'], dir));
console.log(
  `diff: code diff ${d.codeDiff.stat ? `${d.codeDiff.stat.length} lines` : d.codeDiff.reason}, ${ENTRIES} status entries a run`,
);
report('diff', diff, show, 2);
if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
