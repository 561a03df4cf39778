// Benchmark: one `runlog poll` pass over 50 SSH runs spread on 2 hosts.
//
// Two real sshd on 127.0.0.1 (the test harness, test/support/sshd.ts,
// bundled on the fly with esbuild) stand for two workers. Every run is
// created and submitted through the real CLI (`runlog submit --executor ssh
// --host <profile>`); each job prints a step line every 200 ms so every pass
// fetches new log bytes. Every ssh process the CLI starts is counted through
// a PATH shim. Reported per pass: ssh invocations per host (target: at most
// 2), and the pass time next to a bare `ssh <host> true` timed in the same
// run, both without multiplexing (a fresh connection) and over the master.
//
//   node bench/poll-ssh.mjs   [RUNS=50 N=5]   (root, with openssh-server: bash scripts/sshd.sh)
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, ROOT, freshLedger, git } from './lib.mjs';

const RUNS = Number(process.env.RUNS ?? 50);
const N = Number(process.env.N ?? 5);
const HOSTS = ['bench-a', 'bench-b'];

const work = mkdtempSync(join(tmpdir(), 'runlog-bench-ssh-'));
const harness = join(work, 'sshd.mjs');
execFileSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [
  join(ROOT, 'test', 'support', 'sshd.ts'),
  '--bundle',
  '--platform=node',
  '--format=esm',
  `--outfile=${harness}`,
  '--log-level=error',
]);
const { TestSshWorld } = await import(harness);

const shims = join(work, 'bin');
mkdirSync(shims);
const callLog = join(shims, 'calls.log');
// One line per ssh process: its argv (the destination follows `--`).
writeFileSync(join(shims, 'ssh'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${callLog}'\nexec /usr/bin/ssh "$@"\n`);
chmodSync(join(shims, 'ssh'), 0o755);

const world = await TestSshWorld.create(HOSTS.map((alias) => ({ alias })));
const env = { ...process.env, ...world.env(), PATH: `${shims}:${process.env.PATH}`, TZ: 'UTC' };
const cli = (args, cwd) =>
  execFileSync(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 });
const calls = () => {
  try {
    return readFileSync(callLog, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
};
const destinationOf = (line) => line.split(' -- ')[1]?.split(' ')[0] ?? '?';
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dir = freshLedger();
try {
  appendFileSync(
    join(dir, 'runlog.config.yaml'),
    `${world.hostsYaml({ a: { alias: 'bench-a' }, b: { alias: 'bench-b' } })}jobs:\n  heartbeat: 1h\n`,
  );
  mkdirSync(join(dir, 'work'));
  writeFileSync(
    join(dir, 'work', 'job.sh'),
    '#!/bin/sh\ni=0\nwhile [ $i -lt 100000 ]; do i=$((i + 1)); echo "step=$i loss=1.0"; sleep 0.2; done\n',
  );
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'bench: two ssh hosts and a job that prints steps');

  let t0 = Date.now();
  for (let i = 0; i < RUNS; i++) {
    const id = JSON.parse(
      cli(
        [
          'new',
          `ssh${String(i).padStart(3, '0')}`,
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
    cli(
      [
        'submit',
        id,
        '--executor',
        'ssh',
        '--host',
        i % 2 === 0 ? 'a' : 'b',
        '--no-push',
        '--json',
        '--',
        'sh',
        'work/job.sh',
      ],
      dir,
    );
  }
  console.log(
    `poll-ssh: ${RUNS} runs created and submitted through the CLI in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
  );

  cli(['poll', '--no-push', '--json'], dir);
  const passes = [];
  for (let i = 0; i < N; i++) {
    writeFileSync(callLog, '');
    t0 = process.hrtime.bigint();
    const out = JSON.parse(cli(['poll', '--no-push', '--json'], dir));
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const perHost = {};
    for (const line of calls()) perHost[destinationOf(line)] = (perHost[destinationOf(line)] ?? 0) + 1;
    passes.push({ wallMs, passMs: out.durationMs, runs: out.runs, queries: out.executorQueries, perHost });
  }

  const bare = (mux) => {
    const args = ['-F', world.configPath, '-o', 'BatchMode=yes'];
    if (mux)
      args.push('-o', 'ControlMaster=auto', '-o', `ControlPath=${world.controlDir}/%C`, '-o', 'ControlPersist=60');
    const times = [];
    for (let i = 0; i < N + 1; i++) {
      const t = process.hrtime.bigint();
      execFileSync('/usr/bin/ssh', [...args, 'bench-a', 'true']);
      if (i > 0) times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    return med(times);
  };
  const bareFresh = bare(false);
  const bareMux = bare(true);

  const maxPerHost = Math.max(...passes.flatMap((p) => Object.values(p.perHost)));
  const hostsSeen = new Set(passes.flatMap((p) => Object.keys(p.perHost)));
  const passMs = med(passes.map((p) => p.passMs));
  console.log(
    `poll-ssh: ${passes[0].runs} active runs on ${hostsSeen.size} hosts; ssh per host per pass: ${passes.map((p) => JSON.stringify(p.perHost)).join(' ')}`,
  );
  console.log(
    `poll-ssh: bare \`ssh host true\` median ${bareFresh.toFixed(1)} ms (new connection), ${bareMux.toFixed(1)} ms (over the master)`,
  );
  console.log(
    `poll-ssh: pass median ${passMs.toFixed(1)} ms in-process, ${med(passes.map((p) => p.wallMs)).toFixed(1)} ms for the whole \`runlog poll\` process`,
  );
  const line = `poll-ssh: ${RUNS} runs on 2 hosts, pass ${passMs.toFixed(1)} ms vs bare ssh true ${bareFresh.toFixed(1)} ms (${(passMs / bareFresh).toFixed(1)}x; ${bareMux.toFixed(1)} ms over the master); ssh/host/pass max ${maxPerHost} ${maxPerHost <= 2 ? 'OK' : 'OVER'} (target <= 2)`;
  console.log(line);
  writeFileSync(join(tmpdir(), 'runlog-bench-poll-ssh.txt'), `${line}\n`);
} finally {
  world.killJobs();
  await world.tearDown();
  if (process.env.KEEP) console.log(`ledger: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
