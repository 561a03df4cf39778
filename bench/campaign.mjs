// Campaign benchmarks, each against a floor measured in the same run:
//  1. `campaign launch` of a 1,000-entry grid: one commit; vs node start + writing 1,000 run-log-sized files + one git add/commit (target <= 3x)
//  2. `campaign status --json` of a 1,000-run campaign vs `list --group <id> --json` of the same folder (target <= 2x)
//  3. a poll pass with 1,000 queued and 50 running entries: executor queries per pass (target 1); on Slurm, sbatch per launch wave (target 1)
//  4. `campaign status --json` of a generated 10,000-entry campaign (varied states) vs `list --json` of the same ledger (target <= 2x)
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, freshLedger, git, median, report, run } from './lib.mjs';

const N = Number(process.env.N ?? 5);
const results = [];
const cleanups = [];

function grid(name, lr, seeds, extra = '') {
  const lrs = Array.from({ length: lr }, (_, i) => `"${(i + 1) / 10000}"`).join(', ');
  const ss = Array.from({ length: seeds }, (_, i) => i).join(', ');
  return `name: ${name}\ncommand: python train.py --lr {lr} --seed {seed}\ngrid:\n  lr: [${lrs}]\n  seed: [${ss}]\n${extra}`;
}

// ---- 1. launch ------------------------------------------------------------------
{
  const dir = freshLedger();
  cleanups.push(dir);
  writeFileSync(join(dir, 'big.yaml'), grid('big', 100, 10));
  let i = 0;
  const before = Number(git(dir, 'rev-list', '--count', 'HEAD').trim());
  const ours = median(N, () =>
    run('node', [CLI, 'campaign', 'launch', 'big.yaml', '--name', `big${i++}`, '--no-push', '--json'], dir),
  );
  const commits = Number(git(dir, 'rev-list', '--count', 'HEAD').trim()) - before;
  const sample = readFileSync(
    join(
      dir,
      'run_logs',
      readdirSync(join(dir, 'run_logs')).find((d) => d.startsWith('big0-')),
      readdirSync(
        join(
          dir,
          'run_logs',
          readdirSync(join(dir, 'run_logs')).find((d) => d.startsWith('big0-')),
        ),
      ).find((f) => f.endsWith('.md') && /^\d/.test(f)),
    ),
    'utf8',
  );
  const floorDir = mkdtempSync(join(tmpdir(), 'runlog-bench-floor-'));
  cleanups.push(floorDir);
  git(floorDir, 'init', '-q', '-b', 'main');
  git(floorDir, 'config', 'user.email', 'bench@runlog.local');
  git(floorDir, 'config', 'user.name', 'bench');
  let k = 0;
  const writer = `const fs=require('fs');const d=process.argv[1];fs.mkdirSync(d,{recursive:true});const t=${JSON.stringify(sample)};for(let i=0;i<1000;i++)fs.writeFileSync(d+'/2026-05-01_e'+i+'.md',t.replace('lr','lr'+i));`;
  const floor = median(N, () => {
    const sub = `f${k++}`;
    run('node', ['-e', writer, join(floorDir, sub)], floorDir);
    run('git', ['add', '--', sub], floorDir);
    run('git', ['commit', '-q', '-m', sub], floorDir);
  });
  console.log(`launch: ${N + 1} launches of 1,000 entries made ${commits} commits (one each)`);
  results.push(report('campaign-launch-1000', ours, floor, 3));
}

// ---- 2. status vs list --group (1,000 runs) -----------------------------------------
const STATES = ['completed', 'completed', 'command_failed', 'running', 'pending', 'canceled', 'timed_out', 'queued'];
const CLASSES = { command_failed: 'oom_gpu', timed_out: 'walltime', canceled: 'cancelled' };

/** Rewrite a launched campaign's run logs into varied states, as a finished campaign would look. */
function vary(dir, id) {
  const folder = join(dir, 'run_logs', id);
  let k = 0;
  for (const f of readdirSync(folder)) {
    if (!/^\d{4}-\d{2}-\d{2}_.*\.md$/.test(f)) continue;
    const state = STATES[k++ % STATES.length];
    let text = readFileSync(join(folder, f), 'utf8').replace(/^state: pending$/m, `state: ${state}`);
    if (CLASSES[state]) text = text.replace(/^attempt: 1$/m, `attempt: 1\nfailure_class: ${CLASSES[state]}`);
    text = text.replace(
      '## Results\n',
      `## Results\n- runtime: \`00:1${k % 10}:00\`\n- end_train_loss: \`${(k % 97) / 100}\`\n- end_val_loss: \`${(k % 89) / 100}\`\n`,
    );
    text = text.replace(
      '## Status\n',
      `## Status\n- 2026-05-01 10:0${k % 10} UTC — ${state}, step ${k * 10}, train_loss 0.5 — bench\n`,
    );
    writeFileSync(join(folder, f), text);
  }
}

function launched(dir, manifest, name) {
  return JSON.parse(run('node', [CLI, 'campaign', 'launch', manifest, '--name', name, '--no-push', '--json'], dir)).id;
}

{
  const dir = freshLedger();
  cleanups.push(dir);
  writeFileSync(join(dir, 'big.yaml'), grid('big', 100, 10));
  const id = launched(dir, 'big.yaml', 'status1k');
  vary(dir, id);
  const ours = median(N, () => run('node', [CLI, 'campaign', 'status', id, '--json'], dir));
  const floor = median(N, () => run('node', [CLI, 'list', '--group', id, '--json'], dir));
  results.push(report('campaign-status-1000', ours, floor, 2));
}

// ---- 3. a poll pass with 1,000 queued and 50 running ------------------------------------
{
  const dir = freshLedger();
  cleanups.push(dir);
  writeFileSync(
    join(dir, 'runlog.config.yaml'),
    `${readFileSync(join(dir, 'runlog.config.yaml'), 'utf8')}\njobs:\n  heartbeat: 1h\n`,
  );
  git(dir, 'commit', '-qam', 'clocks');
  const lrs = Array.from({ length: 105 }, (_, i) => `"${i}"`).join(', ');
  writeFileSync(
    join(dir, 'queue.yaml'),
    `name: queue\ncommand: ["sh", "-c", "sleep 600", "{s}-{k}"]\ngrid:\n  s: [${lrs}]\n  k: [0,1,2,3,4,5,6,7,8,9]\npolicy: {max_parallel: 50, heartbeat: 1h}\n`,
  );
  const id = launched(dir, 'queue.yaml', 'queue');
  try {
    const wave = JSON.parse(run('node', [CLI, 'poll', '--no-push', '--json'], dir));
    const launches = wave.changes.filter((c) => c.action === 'launch').length;
    const t = process.hrtime.bigint();
    const pass = JSON.parse(run('node', [CLI, 'poll', '--no-push', '--json'], dir));
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const counts = JSON.parse(
      spawnSync('node', [CLI, 'campaign', 'status', id, '--json'], { cwd: dir, encoding: 'utf8' }).stdout,
    ).counts;
    console.log(
      `poll-pass (local): ${launches} launched in the first pass; then ${counts.pending} queued + ${counts.running} running: ${pass.executorQueries} executor quer${pass.executorQueries === 1 ? 'y' : 'ies'} (target 1), ${pass.changes.length} changes, ${ms.toFixed(0)} ms`,
    );
    results.push({
      name: 'poll-pass-local-executor-queries',
      ours: pass.executorQueries,
      floor: 1,
      ratio: pass.executorQueries,
      target: 1,
    });
  } finally {
    spawnSync('node', [CLI, 'campaign', 'cancel', id, '--reason', 'bench done', '--no-push'], {
      cwd: dir,
      encoding: 'utf8',
    });
  }
}

if (process.env.SLURM_CONF) {
  const dir = freshLedger();
  cleanups.push(dir);
  const bin = join(dir, '.bench-bin');
  const log = join(dir, '.bench-slurm.log');
  mkdirSync(bin);
  for (const cmd of ['sbatch', 'squeue', 'sacct', 'scontrol', 'scancel']) {
    const real = execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim();
    writeFileSync(join(bin, cmd), `#!/bin/sh\necho ${cmd} >> '${log}'\nexec '${real}' "$@"\n`);
    chmodSync(join(bin, cmd), 0o755);
  }
  writeFileSync(
    join(dir, 'runlog.config.yaml'),
    `${readFileSync(join(dir, 'runlog.config.yaml'), 'utf8')}\nclusters:\n  bench:\n    partition: debug\n    env: {SLURM_CONF: ${JSON.stringify(process.env.SLURM_CONF)}}\n`,
  );
  git(dir, 'commit', '-qam', 'cluster');
  writeFileSync(
    join(dir, 'arr.yaml'),
    `name: arr\nexecutor: slurm\ncommand: ["sh", "-c", "sleep 600", "{s}-{k}"]\ngrid:\n  s: [${Array.from({ length: 100 }, (_, i) => i).join(', ')}]\n  k: [0,1,2,3,4,5,6,7,8,9]\nresources: {cpus: 1, mem: 10M, time: 10m, requeue: false}\npolicy: {max_parallel: 50}\n`,
  );
  const id = launched(dir, 'arr.yaml', 'arr');
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  try {
    writeFileSync(log, '');
    spawnSync('node', [CLI, 'poll', '--no-push', '--json'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 });
    const first = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    writeFileSync(log, '');
    const pass = JSON.parse(
      spawnSync('node', [CLI, 'poll', '--no-push', '--json'], { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 28 })
        .stdout,
    );
    const second = readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const n = (list, c) => list.filter((x) => x === c).length;
    console.log(
      `poll-pass (slurm): wave of 1,000 entries: ${n(first, 'sbatch')} sbatch; next pass over 1,000 queued tasks: ${n(second, 'squeue')} squeue, ${n(second, 'sacct')} sacct, executorQueries ${pass.executorQueries}`,
    );
    results.push({
      name: 'poll-pass-slurm-sbatch-per-wave',
      ours: n(first, 'sbatch'),
      floor: 1,
      ratio: n(first, 'sbatch'),
      target: 1,
    });
    results.push({
      name: 'poll-pass-slurm-squeue-per-pass',
      ours: n(second, 'squeue'),
      floor: 1,
      ratio: n(second, 'squeue'),
      target: 1,
    });
  } finally {
    spawnSync('node', [CLI, 'campaign', 'cancel', id, '--reason', 'bench done', '--no-push'], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
  }
} else {
  console.log('poll-pass (slurm): skipped, SLURM_CONF is not set (eval "$(bash scripts/slurm.sh start)")');
}

// ---- 4. status of a 10,000-entry campaign vs list of the same ledger ------------------------
{
  const dir = freshLedger();
  cleanups.push(dir);
  writeFileSync(join(dir, 'huge.yaml'), grid('huge', 1000, 10));
  const id = launched(dir, 'huge.yaml', 'huge');
  vary(dir, id);
  const ours = median(N, () => run('node', [CLI, 'campaign', 'status', id, '--json'], dir));
  const floor = median(N, () => run('node', [CLI, 'list', '--json'], dir));
  results.push(report('campaign-status-10000', ours, floor, 2));
}

if (!process.env.KEEP) for (const d of cleanups) rmSync(d, { recursive: true, force: true });
console.log(
  JSON.stringify(results.map((r) => ({ name: r.name, ratio: Number(r.ratio.toFixed(2)), target: r.target }))),
);
