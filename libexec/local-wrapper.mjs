// Runs one local job for runlog's local executor, detached from the CLI that
// launched it: claims the launch (so a retried submit never starts a second
// copy), starts the command in its own process group, forwards stop signals
// to that group, and records how the command ended even when no supervisor is
// running. Plain JavaScript with no dependencies so it runs from the sources
// and from an installed package alike.
//
// Usage: node local-wrapper.mjs <stateDir>   (cwd, env and stdout/stderr are the job's)
// <stateDir> is the attempt's folder in this machine's local state (.git/runlog/attempts/…):
// intent.json is read from it, job.json and exit.json are written to it.
import { spawn } from 'node:child_process';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

const stateDir = process.argv[2];
if (!stateDir) fail('usage: local-wrapper.mjs <stateDir>');
const jobPath = join(stateDir, 'job.json');
const exitPath = join(stateDir, 'exit.json');

const intent = readIntent(join(stateDir, 'intent.json'));
const claim = {
  schema: 1,
  idempotencyKey: intent.idempotencyKey,
  runId: intent.runId,
  attempt: intent.attempt,
  argv: intent.argv,
  cwd: process.cwd(),
  host: hostname(),
  bootId: bootId(),
  pid: process.pid,
  pidStartTicks: startTicks(process.pid),
  submittedAt: intent.submittedAt,
  claimedAt: new Date().toISOString(),
};
// A second wrapper for the same launch (submit retried after a crash) loses
// here and leaves without touching anything.
if (!createExclusive(jobPath, claim)) process.exit(0);

let child;
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(sig, () => {
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      // The group is already gone; the exit handler records the end.
    }
  });
}

child = spawn(intent.argv[0], intent.argv.slice(1), {
  detached: true,
  cwd: process.cwd(),
  env: process.env,
  stdio: ['ignore', 'inherit', 'inherit'],
});

child.on('error', (err) => {
  // Only a failed spawn lands here: the command never ran. Use the shell's
  // conventions so the exit code reads the same as from a terminal.
  process.stderr.write(`runlog: could not start ${intent.argv[0]}: ${err.message}\n`);
  const exitCode = err.code === 'ENOENT' ? 127 : 126;
  writeAtomic(exitPath, { exitCode, signal: null, endedAt: new Date().toISOString(), error: err.message });
});

if (child.pid !== undefined) {
  writeAtomic(jobPath, {
    ...claim,
    pgid: child.pid,
    childPid: child.pid,
    childStartTicks: startTicks(child.pid),
    startedAt: new Date().toISOString(),
  });
  child.on('exit', (code, signal) => {
    writeAtomic(exitPath, { exitCode: code, signal, endedAt: new Date().toISOString() });
  });
}

function readIntent(path) {
  let value;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    fail(`cannot read ${path}: ${err.message}`);
  }
  const argvOk = Array.isArray(value?.argv) && value.argv.length > 0 && value.argv.every((a) => typeof a === 'string');
  if (!argvOk || typeof value.idempotencyKey !== 'string') fail(`${path} has no argv or idempotencyKey`);
  return value;
}

function writeAtomic(path, value) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

// link(2) refuses an existing target, so the file appears complete and only once.
function createExclusive(path, value) {
  const tmp = `${path}.${process.pid}.claim`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if (err.code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

// Field 22 of /proc/<pid>/stat; with the boot id it tells a reused pid apart.
function startTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function bootId() {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

function fail(message) {
  process.stderr.write(`runlog local wrapper: ${message}\n`);
  process.exit(2);
}
