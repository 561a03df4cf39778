// `runlog plot` of a run whose output log holds 100,000 progress lines vs `node -e 0`.
// The target is absolute: at most 300 ms over node's own start-up (the SVG stays ≤ 60 KB).
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, freshLedger, git, median, report, run } from './lib.mjs';

const POINTS = Number(process.env.POINTS ?? 100_000);
const N = Number(process.env.N ?? 7);
const dir = freshLedger();
if (process.env.KEEP) console.log(`ledger: ${dir}`);

const id = 'bench/2026-03-22_plot';
const attemptDir = join(dir, '.runlog', 'outputs', 'bench', '2026-03-22_plot', 'attempt-1');
mkdirSync(attemptDir, { recursive: true });
let seed = 1;
const rnd = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const lines = [];
for (let i = 1; i <= POINTS; i++) {
  const loss = 3 * Math.exp(-i / (POINTS / 5)) + 0.1 * rnd() + (i % 25_000 === 0 ? 2 : 0);
  lines.push(`step=${i * 10} loss=${loss.toFixed(5)} samples_per_s=${(1200 + 50 * rnd()).toFixed(1)}`);
}
writeFileSync(join(attemptDir, 'output.log'), `${lines.join('\n')}\n`);
mkdirSync(join(dir, 'run_logs', 'bench'), { recursive: true });
writeFileSync(
  join(dir, 'run_logs', `${id}.md`),
  `# plot — bench\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Job\n- execution_id: \`1\`\n- attempt: 1\n- output_log: \`${join(attemptDir, 'output.log')}\`\n\n## Status\n- 2026-03-22 10:00 UTC — running — launched\n\n## Results\n\n## Next\n`,
);
git(dir, 'add', 'run_logs');
git(dir, 'commit', '-q', '-m', 'bench run');

const ours = median(N, () => run('node', [CLI, 'plot', id, '--no-push'], dir));
const floor = median(N, () => run('node', ['-e', '0'], dir));
const out = JSON.parse(run('node', [CLI, 'plot', id, '--no-push', '--json'], dir));
const bytes = statSync(join(dir, out.chart)).size;
if (!readFileSync(join(dir, out.chart), 'utf8').startsWith('<svg')) throw new Error('no chart written');
console.log(
  `plot: ${POINTS} log lines → ${out.chart}, ${(bytes / 1024).toFixed(1)} KB (limit 60 KB)${bytes <= 60 * 1024 ? '' : ' OVER'}; ${(ours - floor).toFixed(0)} ms over node start (limit 300)${ours - floor <= 300 ? '' : ' OVER'}`,
);
report('plot', ours, floor, Number(((floor + 300) / floor).toFixed(2)));
