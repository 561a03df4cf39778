// Benchmark: `runlog poll` over 200 Slurm runs, most of them pending.
//
// Every run is created and submitted through the real CLI (`runlog new`,
// `runlog submit --executor slurm`), so the jobs are real sbatch jobs on the
// single-node Slurm (2 CPUs: 2 run, the rest pend on Resources/Priority).
// Each Slurm client the CLI starts is counted through PATH shims that log
// their argv and exec the real binary. Reported per pass: Slurm client calls
// by command (target: 1 squeue + at most 1 sacct) and the pass time against
// one bare squeue call with the very argv the pass used.
//
//   SLURM_CONF=/tmp/runlog-slurm/slurm.conf node bench/poll-slurm.mjs   [RUNS=200 N=7]
//
// It occupies the cluster for a minute or two and cancels its jobs at the
// end: do not run it while the Slurm tests run.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freshLedger, git } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 200);
const N = Number(process.env.N ?? 7);
const SLURM_CONF = process.env.SLURM_CONF;
if (!SLURM_CONF) {
  console.error('poll-slurm: set SLURM_CONF (e.g. eval "$(bash scripts/slurm.sh start)")');
  process.exit(2);
}

const COMMANDS = ['squeue', 'sacct', 'sbatch', 'scontrol', 'scancel', 'sinfo'];
const shims = mkdtempSync(join(tmpdir(), 'runlog-bench-shims-'));
const callLog = join(shims, 'calls.log');
for (const cmd of COMMANDS) {
  const real = execFileSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { encoding: 'utf8' }).trim();
  const path = join(shims, cmd);
  // One line per call: the command and its argv, tab-separated (no argv here holds a tab).
  writeFileSync(
    path,
    `#!/bin/sh\n(printf '%s' ${cmd}; printf '\\t%s' "$@"; printf '\\n') >> '${callLog}'\nexec '${real}' "$@"\n`,
  );
  chmodSync(path, 0o755);
}
const env = { ...process.env, SLURM_CONF, PATH: `${shims}:${process.env.PATH}`, TZ: 'UTC' };
const cli = (args, cwd) =>
  execFileSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
const calls = () => {
  try {
    return readFileSync(callLog, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
  } catch {
    return [];
  }
};
const resetCalls = () => writeFileSync(callLog, '');

const dir = freshLedger();
appendFileSync(
  join(dir, 'runlog.config.yaml'),
  `clusters:\n  bench:\n    partition: debug\n    env: {SLURM_CONF: ${JSON.stringify(SLURM_CONF)}}\n`,
);
mkdirSync(join(dir, 'work'), { recursive: true });
writeFileSync(join(dir, 'work', 'job.sh'), '#!/bin/sh\nsleep 600\n');
git(dir, 'add', '-A');
git(dir, 'commit', '-q', '-m', 'bench: Slurm profile');

const jobIds = [];
let t0 = Date.now();
try {
  for (let i = 0; i < RUNS; i++) {
    const id = JSON.parse(
      cli(
        [
          'new',
          `slurm${String(i).padStart(3, '0')}`,
          '--type',
          'experiment',
          '--objective',
          'poll bench',
          '--group',
          'bench',
          '--no-push',
          '--json',
        ],
        dir,
      ),
    ).id;
    const sub = JSON.parse(
      cli(['submit', id, '--executor', 'slurm', '--no-push', '--json', '--', 'sh', 'work/job.sh'], dir),
    );
    jobIds.push(sub.jobId);
  }
  console.log(
    `poll-slurm: ${RUNS} runs created and submitted through the CLI in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  // Warm-up: records the few jobs that started running; later passes change nothing.
  cli(['poll', '--no-push', '--json'], dir);
  const passes = [];
  for (let i = 0; i < N; i++) {
    resetCalls();
    t0 = process.hrtime.bigint();
    const out = JSON.parse(cli(['poll', '--no-push', '--json'], dir));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const made = calls();
    passes.push({
      wallMs,
      passMs: out.durationMs,
      runs: out.runs,
      queries: out.executorQueries,
      changes: out.changes.length,
      made,
    });
  }
  const squeueArgv = passes[0].made.find((c) => c[0] === 'squeue')?.slice(1);
  if (!squeueArgv) throw new Error('the pass made no squeue call');

  const bare = [];
  for (let i = 0; i < N + 1; i++) {
    t0 = process.hrtime.bigint();
    execFileSync('squeue', squeueArgv, { env: { ...process.env, SLURM_CONF }, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (i > 0) bare.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const states = execFileSync('squeue', ['-h', '-t', 'all', '-j', jobIds.join(','), '-o', '%T'], {
    env: { ...process.env, SLURM_CONF },
    encoding: 'utf8',
  });
  const pending = states.split('\n').filter((s) => s === 'PENDING').length;
  const per = (cmd) => passes.map((p) => p.made.filter((c) => c[0] === cmd).length);
  const squeues = per('squeue');
  const saccts = per('sacct');
  const others = passes.map((p) => p.made.filter((c) => c[0] !== 'squeue' && c[0] !== 'sacct').length);
  console.log(`poll-slurm: ${passes[0].runs} active runs, ${pending} of ${RUNS} jobs pending`);
  console.log(
    `poll-slurm: Slurm calls per pass: squeue ${squeues.join(',')}; sacct ${saccts.join(',')}; other ${others.join(',')} (runlog's own count: ${passes.map((p) => p.queries).join(',')})`,
  );
  console.log(`poll-slurm: changes per pass after warm-up: ${passes.map((p) => p.changes).join(',')}`);
  console.log(`poll-slurm: bare squeue (${squeueArgv.length} args, ${RUNS} ids) median ${med(bare).toFixed(1)} ms`);
  console.log(
    `poll-slurm: pass median ${med(passes.map((p) => p.passMs)).toFixed(1)} ms in-process, ${med(passes.map((p) => p.wallMs)).toFixed(1)} ms for the whole \`runlog poll\` process`,
  );
  const okCalls = squeues.every((n) => n === 1) && saccts.every((n) => n <= 1) && others.every((n) => n === 0);
  console.log(`poll-slurm: calls per pass ${okCalls ? 'OK' : 'OVER'} (target: 1 squeue + at most 1 sacct)`);
  const line = `poll-slurm: ${RUNS} runs, pass ${med(passes.map((p) => p.passMs)).toFixed(1)} ms vs bare squeue ${med(bare).toFixed(1)} ms (${(med(passes.map((p) => p.passMs)) / med(bare)).toFixed(1)}x); squeue/pass ${Math.max(...squeues)}, sacct/pass ${Math.max(...saccts)}`;
  console.log(line);
  writeFileSync(join(tmpdir(), 'runlog-bench-poll-slurm.txt'), `${line}\n`);
} finally {
  if (jobIds.length > 0) execFileSync('scancel', jobIds, { env: { ...process.env, SLURM_CONF } });
  if (process.env.KEEP) console.log(`ledger: ${dir}`);
}
