// The README's main job: runlog end to end on a fresh local ledger with a
// local bare remote, the local executor, no accounts and no network.
//
//   1. the record commands: init, new, append, complete, show, list
//   2. jobs: the bundled training script launched under the local executor,
//      supervised while its run log fills in; a second variant fails with a
//      classified (transient) error and is retried automatically.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'run.js');
const base = mkdtempSync(join(tmpdir(), 'runlog-demo-'));
const remote = join(base, 'remote.git');
const repo = join(base, 'project');
const keep = process.argv.includes('--keep');

const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Demo',
  GIT_AUTHOR_EMAIL: 'demo@runlog.invalid',
  GIT_COMMITTER_NAME: 'Demo',
  GIT_COMMITTER_EMAIL: 'demo@runlog.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
  FORCE_COLOR: '0',
};
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8' });
const section = (title) => console.log(`\n━━ ${title} ${'━'.repeat(Math.max(0, 70 - title.length))}`);

function runlog(...args) {
  console.log(`\n$ runlog ${args.map((a) => (/[\s"']/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
  try {
    const out = execFileSync(process.execPath, [CLI, ...args], {
      cwd: repo,
      env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.stdout.write(out);
    return out;
  } catch (err) {
    process.stdout.write(err.stdout ?? '');
    process.stderr.write(err.stderr ?? '');
    throw new Error(`runlog ${args[0]} exited ${err.status}`);
  }
}

const json = (...args) =>
  JSON.parse(execFileSync(process.execPath, [CLI, ...args, '--json'], { cwd: repo, env, encoding: 'utf8' }));

try {
  section('a fresh project with a local bare remote');
  git(base, 'init', '-q', '--bare', '-b', 'main', remote);
  git(base, 'init', '-q', '-b', 'main', repo);
  copyFileSync(join(ROOT, 'examples', 'train.mjs'), join(repo, 'train.mjs'));
  mkdirSync(join(repo, 'configs'));
  writeFileSync(join(repo, 'configs', 'base.json'), `${JSON.stringify({ steps: 30, lr: 0.12 }, null, 2)}\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-q', '-m', 'training script and config');
  console.log(`project: ${repo}\nremote:  ${remote}`);

  section('record commands');
  runlog('init', '--remote', remote);
  // Short clocks so the demo takes seconds; the defaults are 72h / 30m.
  appendFileSync(
    join(repo, 'runlog.config.yaml'),
    'jobs:\n  backoff_base: 1s\n  cadence_steps: 10\n  cadence_every: 2s\n  kill_grace: 2s\n',
  );
  git(repo, 'commit', '-q', '-m', 'runlog: short demo clocks', '--', 'runlog.config.yaml');
  git(repo, 'push', '-q', 'origin', 'main');
  runlog(
    'new',
    'baseline',
    '--type',
    'replication',
    '--group',
    'demo',
    '--objective',
    'reproduce the reference loss by hand',
    '--date',
    '2026-03-22',
  );
  runlog('append', 'demo/2026-03-22_baseline', 'job 4242 started on node gpu-07', '--state', 'running');
  runlog(
    'append',
    'demo/2026-03-22_baseline',
    'loss falling as in the reference',
    '--step',
    '2400',
    '--metric',
    'train_loss=0.085',
  );
  runlog(
    'complete',
    'demo/2026-03-22_baseline',
    '--final-step',
    '5000',
    '--metric',
    'val_loss=0.031',
    '--summary',
    'matches the reference within 2%',
  );
  runlog('show', 'demo/2026-03-22_baseline');
  runlog('list');

  section('jobs: launch the bundled training script under the local executor');
  runlog(
    'new',
    'train',
    '--type',
    'experiment',
    '--group',
    'demo',
    '--objective',
    'tiny model, lr 0.12',
    '--script',
    'train.mjs',
    '--config',
    'configs/base.json',
    '--date',
    '2026-03-22',
  );
  runlog(
    'new',
    'train-flaky',
    '--type',
    'experiment',
    '--group',
    'demo',
    '--objective',
    'same, on a flaky network',
    '--script',
    'train.mjs',
    '--config',
    'configs/base.json',
    '--date',
    '2026-03-22',
  );
  runlog(
    'submit',
    'demo/2026-03-22_train',
    '--timeout',
    '5m',
    '--heartbeat',
    '30s',
    '--',
    'node',
    'train.mjs',
    '--config',
    'configs/base.json',
    '--sleep-ms',
    '150',
  );
  runlog(
    'submit',
    'demo/2026-03-22_train-flaky',
    '--timeout',
    '5m',
    '--heartbeat',
    '30s',
    '--retries',
    '2',
    '--',
    'node',
    'train.mjs',
    '--config',
    'configs/base.json',
    '--sleep-ms',
    '150',
    '--fail-at',
    '12',
    '--fail-with',
    'network',
    '--fail-attempts',
    '1',
  );

  section('supervise: the run logs fill in (status entries as they are committed)');
  console.log('$ runlog supervise --every 500ms --exit-when-idle   (in the background)');
  const sup = spawn(process.execPath, [CLI, 'supervise', '--every', '500ms', '--exit-when-idle'], {
    cwd: repo,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const ended = new Promise((res) => sup.on('close', res));
  let done = false;
  void ended.then(() => (done = true));
  const seen = new Map();
  const deadline = Date.now() + 120_000;
  const watch = () => {
    for (const run of ['demo/2026-03-22_train', 'demo/2026-03-22_train-flaky']) {
      const text = readFileSync(join(repo, 'run_logs', `${run}.md`), 'utf8');
      const entries = text.split('\n').filter((l) => /^- \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC — /.test(l));
      for (const line of entries.slice(seen.get(run) ?? 0))
        console.log(`  ${run.split('_').pop().padEnd(11)} ${line.slice(2)}`);
      seen.set(run, entries.length);
    }
  };
  while (!done) {
    if (Date.now() > deadline) {
      sup.kill('SIGTERM');
      throw new Error('the demo jobs did not finish within 2 minutes');
    }
    watch();
    await new Promise((r) => setTimeout(r, 300));
  }
  watch();

  section('the finished runs');
  runlog('show', 'demo/2026-03-22_train');
  const flaky = json('show', 'demo/2026-03-22_train-flaky');
  runlog('show', 'demo/2026-03-22_train-flaky');
  const first = flaky.jobs[0].fields;
  console.log(
    `\nattempt 1 ended ${first.terminal_state} (${first.failure_class}); ${flaky.jobs.at(-1).heading} → ${flaky.state}`,
  );
  runlog('list', '--group', 'demo');

  section('the remote has every update');
  console.log(git(remote, 'log', '--oneline', '--reverse', 'main'));
  if (
    flaky.state !== 'completed' ||
    first.failure_class !== 'network_transient' ||
    json('show', 'demo/2026-03-22_train').state !== 'completed'
  ) {
    throw new Error('the demo did not end as expected');
  }
  console.log('demo: OK');
} finally {
  if (keep) console.log(`kept ${base}`);
  else rmSync(base, { recursive: true, force: true });
}
