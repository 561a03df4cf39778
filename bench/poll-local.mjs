// Benchmark: `runlog poll` over 500 active local runs.
// Reports executor queries per pass (must be 1) and the pass time against
// the floor of reading the 500 output tails alone (64 KiB each, the same
// read the pass does).
//
// The 500 runs are written straight into a fresh ledger (one commit) with
// real output logs; their job records all name one real, live process as
// the wrapper, so the executor sees 500 running jobs without 500 processes.
// Each Job block already records the last step in its log, so the pass
// decides "no change" for every run and commits nothing: what is measured is
// the reading and deciding, not git.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, fstatSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CLI, freshLedger, git, median, run } from './lib.mjs';

const N = Number(process.env.RUNS ?? 500);
const TAIL = 64 * 1024;

const dir = freshLedger();
const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1 << 30)'], { stdio: 'ignore', detached: true });
const stat = readFileSync(`/proc/${holder.pid}/stat`, 'utf8');
const startTicks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const now = new Date();
const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
const logs = [];

const lines = [];
for (let step = 1; step <= 1500; step++)
  lines.push(`step=${step} loss=${(2.5 * Math.exp(-step / 500) + 0.05).toFixed(4)} samples_per_s=${100 + (step % 7)}`);
const logText = `${lines.join('\n')}\n`;

for (let i = 0; i < N; i++) {
  const id = `bench/2026-03-22_run${String(i).padStart(4, '0')}`;
  const out = join(dir, '.runlog', 'outputs', id, 'attempt-1');
  mkdirSync(out, { recursive: true });
  const log = join(out, 'output.log');
  writeFileSync(log, logText);
  logs.push(log);
  const key = `${id}#1`;
  writeFileSync(
    join(out, 'job.json'),
    JSON.stringify({
      schema: 1,
      idempotencyKey: key,
      runId: id,
      attempt: 1,
      argv: ['node', 'train.mjs'],
      cwd: dir,
      host: hostname(),
      bootId,
      pid: holder.pid,
      pidStartTicks: startTicks,
      claimedAt: iso,
      startedAt: iso,
    }),
  );
  mkdirSync(join(dir, 'run_logs', 'bench'), { recursive: true });
  writeFileSync(
    join(dir, 'run_logs', `${id}.md`),
    `---\nschema_version: 1\nid: ${id}\nstate: running\nrun_type: experiment\ncampaign: null\nattempt: 1\n---\n# run${i}\n\n## Mode\n- run_type: experiment\n- objective: bench\n\n## Job\n` +
      `- execution_id: \`${hostname()}:${holder.pid}\`\n- executor: local\n- attempt: 1\n- idempotency_key: \`${key}\`\n- output_dir: \`${out}\`\n- output_log: \`${log}\`\n` +
      `- executor_handle: \`{"pid":"${holder.pid}"}\`\n- worker: \`${hostname()}\`\n- start: \`${iso}\`\n- timeout: 86400000 ms (24h)\n- heartbeat: 3600000 ms (1h)\n- retry_budget: 0\n- stall_action: fail\n` +
      `- last_step: 1500\n- last_step_at: \`${iso}\`\n\n## Status\n- 2026-03-22 10:00 UTC — running — launched\n\n## Results\n`,
  );
}
writeFileSync(join(dir, '.gitignore'), '/.runlog/outputs/\n');
git(dir, 'add', '-A');
git(dir, 'commit', '-q', '-m', 'bench: 500 running runs');

function readTails() {
  const buf = Buffer.allocUnsafe(TAIL);
  let bytes = 0;
  for (const log of logs) {
    const fd = openSync(log, 'r');
    const size = fstatSync(fd).size;
    bytes += readSync(fd, buf, 0, Math.min(TAIL, size), Math.max(0, size - TAIL));
    closeSync(fd);
  }
  return bytes;
}

try {
  let last;
  const cli = median(5, () => {
    last = JSON.parse(run('node', [CLI, 'poll', '--json', '--no-push'], dir));
  });
  const passes = [];
  for (let i = 0; i < 5; i++)
    passes.push(JSON.parse(run('node', [CLI, 'poll', '--json', '--no-push'], dir)).durationMs);
  passes.sort((a, b) => a - b);
  const pass = passes[2];
  const tails = median(5, readTails);
  const head = git(dir, 'rev-list', '--count', 'HEAD').trim();
  const line =
    `poll-local: ${last.runs} active runs, executor queries per pass ${last.executorQueries} (must be 1) ${last.executorQueries === 1 ? 'OK' : 'FAIL'}; ` +
    `pass ${pass.toFixed(0)} ms (CLI wall ${cli.toFixed(0)} ms) vs reading the ${N} tails alone ${tails.toFixed(1)} ms (${(pass / tails).toFixed(1)}x); ` +
    `changes ${last.changes.length}, commits after 10 polls ${Number(head) - 2}`;
  console.log(line);
  writeFileSync(join(process.env.TMPDIR ?? '/tmp', 'runlog-bench-poll-local.txt'), `${line}\n`);
  if (last.executorQueries !== 1 || last.runs !== N) process.exitCode = 1;
} finally {
  process.kill(-holder.pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
