// Run the benchmarks at full size and record each as a run in run_logs/bench/ with runlog itself:
// new → append (running, with the machine's load) → complete with the ratio and its parts as metrics.
//   node bench/record.mjs [name ...]     (default: all; names as in BENCHES below)
// Commits locally (--no-push); sizes and sample counts are the ones the issue's table uses.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT } from './lib.mjs';

const BENCHES = [
  {
    name: 'append-latency',
    script: 'append.mjs',
    env: { N: '15' },
    objective: 'append --no-push vs node -e 0 + git commit of the same edit (target <= 1.5x)',
  },
  {
    name: 'show-5000',
    script: 'show.mjs',
    env: { ENTRIES: '5000', N: '9' },
    objective: 'show --json of a 5,000-entry run log vs node -e 0 + cat (target <= 2x)',
  },
  {
    name: 'list-10000',
    script: 'list.mjs',
    env: { RUNS: '10000', MODE: 'warm', N: '7' },
    objective: 'list --json --state running over 10,000 runs, warm index, vs node -e 0 + grep -rl (target <= 2x)',
  },
  {
    name: 'list-10000-cold',
    script: 'list.mjs',
    env: { RUNS: '10000', MODE: 'cold', N: '7' },
    objective: 'the same on a fresh clone, no run index (target <= 2x)',
  },
  {
    name: 'list-100000',
    script: 'list.mjs',
    env: { RUNS: '100000', MODE: 'warm', N: '5' },
    objective: 'list over 100,000 runs, warm, vs node -e 0 + grep -rl (target <= 2x, peak RSS <= 150 MB)',
  },
  {
    name: 'concurrent-writers-32',
    script: 'concurrent.mjs',
    env: { WRITERS: '32', APPENDS: '3' },
    objective:
      '32 clones on one machine x 3 appends, each to its own run, one bare remote, vs the same appends done serially (target <= 2x, no exit 5)',
  },
  {
    name: 'plot-100000',
    script: 'plot.mjs',
    env: { POINTS: '100000', N: '7' },
    objective: 'runlog plot of a 100,000-line output log vs node -e 0 (target <= 300 ms over node start)',
  },
];

const only = process.argv.slice(2);
const today = new Date().toISOString().slice(0, 10);
const runlog = (...args) => execFileSync('node', [CLI, ...args, '--no-push'], { cwd: ROOT, encoding: 'utf8' });

for (const b of BENCHES.filter((x) => only.length === 0 || only.includes(x.name))) {
  const load = loadavg()[0].toFixed(1);
  const out = execFileSync('node', [join(ROOT, 'bench', b.script)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...b.env },
    maxBuffer: 1 << 26,
  });
  process.stdout.write(out);
  const line = out.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`${b.script} printed no BENCH line`);
  const r = JSON.parse(line.slice(6));
  const id = JSON.parse(
    runlog(
      'new',
      b.name,
      '--type',
      'experiment',
      '--objective',
      b.objective,
      '--group',
      'bench',
      '--script',
      `bench/${b.script}`,
      '--date',
      today,
      '--setting',
      `sizes=${Object.entries(b.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
      '--json',
    ),
  ).id;
  runlog('append', id, `ran node bench/${b.script} (load average ${load})`, '--state', 'running');
  const metrics = Object.entries(r)
    .filter(([k, v]) => k !== 'name' && k !== 'target' && typeof v === 'number')
    .flatMap(([k, v]) => ['--metric', `${k}=${v}`]);
  const verdict = r.ratio <= r.target ? 'within' : 'over';
  runlog(
    'complete',
    id,
    '--exit-code',
    '0',
    ...metrics,
    '--summary',
    `${r.ratio}x against its floor, ${verdict} the ${r.target}x target (load average ${load})`,
  );
  console.log(`recorded ${id}`);
}
