/**
 * Every error code of the trust boundary, produced by the code that raises it
 * (real files, real git, real FIFOs), with a hint a user can act on.
 */
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insidePath, privateDir, readInside, readRegularTail, writeManyInside } from '../../../src/core/confined-fs.js';
import { RunlogError, toRunlogError, type ErrorCode } from '../../../src/core/errors.js';
import { signalGroup } from '../../../src/core/proc.js';
import { LocalExecutor } from '../../../src/executors/local/index.js';
import { LocalState } from '../../../src/executors/state.js';
import { translateGitFault } from '../../../src/git/errors.js';
import { Git, GitError } from '../../../src/git/git.js';
import { TxJournal } from '../../../src/git/journal.js';
import { acquireLedgerLock } from '../../../src/git/lock.js';
import { jobOfAttempt, notLocal, saveLaunch } from '../../../src/jobs/plan.js';
import { readTail } from '../../../src/signals/progress.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runlog-codes-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The RunlogError `f` throws (synchronously or not). */
async function codeOf(f: () => unknown): Promise<RunlogError> {
  try {
    await f();
  } catch (err) {
    expect(err).toBeInstanceOf(RunlogError);
    const e = err as RunlogError;
    expect(e.hint.length).toBeGreaterThan(10);
    return e;
  }
  throw new Error('expected an error');
}

function gitRepo(): string {
  const repo = join(dir, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  for (const [k, v] of [
    ['user.name', 'T'],
    ['user.email', 't@runlog.invalid'],
    ['commit.gpgsign', 'false'],
  ])
    execFileSync('git', ['-C', repo, 'config', k!, v!]);
  writeFileSync(join(repo, 'a.md'), 'a\n');
  execFileSync('git', ['-C', repo, 'add', 'a.md']);
  execFileSync('git', ['-C', repo, 'commit', '-q', '-m', 'a']);
  return repo;
}

describe('git failures become coded errors', () => {
  const t = (stderr: string, args = ['commit', '-q']) => translateGitFault(args, '/repo', { type: 'exit', stderr });

  it.each([
    ['*** Please tell me who you are.\n\nRun\n  git config --global user.email', 'GIT_IDENTITY_MISSING', 1],
    ["fatal: unable to auto-detect email address (got 'root@vm.(none)')", 'GIT_IDENTITY_MISSING', 1],
    ['error: unable to write file .git/objects/ab/cd: No space left on device', 'DISK_FULL', 1],
    [
      "fatal: Unable to create '/repo/.git/index.lock': File exists.\n\nAnother git process seems to be running",
      'INDEX_LOCKED',
      1,
    ],
    ['fatal: not a git repository (or any of the parent directories): .git', 'NOT_A_GIT_REPO', 1],
    [
      'error: insufficient permission for adding an object to repository database .git/objects\nfatal: Permission denied',
      'GIT_PERMISSION_DENIED',
      1,
    ],
    ["fatal: pathspec 'run_logs/g/x.md' is beyond a symbolic link", 'SYMLINK_IN_LEDGER', 1],
    ['fatal: something git has never said before', 'GIT_FAILED', 1],
  ] as [string, ErrorCode, number][])('%s → %s', (stderr, code, exit) => {
    const f = t(stderr);
    expect(f.code).toBe(code);
    expect(new RunlogError(f.kind, f.code, f.message, f.hint).exitCode).toBe(exit);
    expect(f.hint).not.toMatch(/bug in runlog/);
  });

  it('a deadline is REMOTE_TIMEOUT (exit 5) for the network and GIT_TIMEOUT otherwise', () => {
    const net = translateGitFault(['fetch', '-q', 'origin'], '/repo', { type: 'timeout', ms: 3000 });
    expect(net).toMatchObject({ code: 'REMOTE_TIMEOUT', kind: 'push' });
    expect(net.message).toContain('3 s');
    expect(translateGitFault(['commit', '-q'], '/repo', { type: 'timeout', ms: 3000 })).toMatchObject({
      code: 'GIT_TIMEOUT',
      kind: 'failed',
    });
  });

  it('git that cannot start is GIT_NOT_FOUND, a full disk at spawn is DISK_FULL', () => {
    expect(
      translateGitFault(['status'], '/repo', { type: 'spawn', errno: 'ENOENT', message: 'spawn git ENOENT' }).code,
    ).toBe('GIT_NOT_FOUND');
    expect(translateGitFault(['status'], '/repo', { type: 'spawn', errno: 'ENOSPC', message: 'x' }).code).toBe(
      'DISK_FULL',
    );
  });

  it('a real git past its deadline is stopped with everything it started', async () => {
    const repo = gitRepo();
    const marker = String(700_000 + Math.floor(Math.random() * 99_999));
    const started = Date.now();
    const e = await codeOf(() => new Git(repo, { timeoutMs: 300 }).run(['-c', `alias.nap=!sleep ${marker}`, 'nap']));
    expect(e).toBeInstanceOf(GitError);
    expect(e.code).toBe('GIT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    const left = readdirSync('/proc').filter(
      (p) =>
        /^\d+$/.test(p) &&
        (() => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
          } catch {
            return false;
          }
        })(),
    );
    expect(left).toEqual([]);
  });
});

describe('file-system faults at the edge', () => {
  it('ENOSPC/EDQUOT are DISK_FULL, EACCES/EPERM/EROFS are PERMISSION_DENIED, anything else stays INTERNAL', () => {
    const errno = (code: string) => Object.assign(new Error(`${code}: failed, open '/x'`), { code });
    for (const c of ['ENOSPC', 'EDQUOT']) expect(toRunlogError(errno(c)).code).toBe('DISK_FULL');
    for (const c of ['EACCES', 'EPERM', 'EROFS'])
      expect(toRunlogError(errno(c))).toMatchObject({ code: 'PERMISSION_DENIED', exitCode: 1 });
    expect(toRunlogError(new TypeError('x is undefined')).code).toBe('INTERNAL');
  });
});

describe('paths stay inside', () => {
  it('SYMLINK_IN_LEDGER for a linked file or a linked folder on the way; nothing outside is read or written', async () => {
    const root = join(dir, 'ledger');
    const outside = join(dir, 'outside');
    mkdirSync(join(root, 'run_logs'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'netrc'), 'secret');
    symlinkSync(join(outside, 'netrc'), join(root, 'run_logs', 'timeline.md'));
    symlinkSync(outside, join(root, 'run_logs', 'grp'));
    expect((await codeOf(() => readInside(root, 'run_logs/timeline.md'))).code).toBe('SYMLINK_IN_LEDGER');
    expect((await codeOf(() => writeManyInside(root, [{ path: 'run_logs/timeline.md', content: 'x' }]))).code).toBe(
      'SYMLINK_IN_LEDGER',
    );
    expect((await codeOf(() => writeManyInside(root, [{ path: 'run_logs/grp/new.md', content: 'x' }]))).code).toBe(
      'SYMLINK_IN_LEDGER',
    );
    expect(readdirSync(outside)).toEqual(['netrc']);
    expect(readFileSync(join(outside, 'netrc'), 'utf8')).toBe('secret');
  });

  it('PATH_OUTSIDE_LEDGER for `..`, absolute and empty parts', async () => {
    for (const rel of ['../x', '/etc/passwd', 'run_logs//x', 'run_logs/./x', '']) {
      expect((await codeOf(() => insidePath(dir, rel))).code).toBe('PATH_OUTSIDE_LEDGER');
    }
  });

  it('NOT_A_REGULAR_FILE for a FIFO, read without blocking; a log tail of a FIFO is skipped', async () => {
    execFileSync('mkfifo', [join(dir, 'pipe.md')]);
    expect((await codeOf(() => readInside(dir, 'pipe.md'))).code).toBe('NOT_A_REGULAR_FILE');
    expect(readRegularTail(join(dir, 'pipe.md'), 1024)).toBeNull();
    expect((await codeOf(() => readTail(join(dir, 'pipe.md')))).code).toBe('OUTPUT_LOG_NOT_A_FILE');
  });

  it('NOT_A_DIRECTORY when a file sits where a folder must go', async () => {
    writeFileSync(join(dir, 'run_logs'), '');
    expect((await codeOf(() => writeManyInside(dir, [{ path: 'run_logs/x.md', content: 'x' }]))).code).toBe(
      'NOT_A_DIRECTORY',
    );
  });

  it('LOCAL_STATE_UNUSABLE when .git/runlog is a file', async () => {
    writeFileSync(join(dir, 'runlog'), '');
    const e = await codeOf(() => privateDir(join(dir, 'runlog')));
    expect(e.code).toBe('LOCAL_STATE_UNUSABLE');
    expect((await codeOf(() => acquireLedgerLock(dir))).code).toBe('LOCAL_STATE_UNUSABLE');
  });
});

describe('processes', () => {
  it('UNSAFE_SIGNAL_TARGET: process groups 0, 1 and below are never signalled', async () => {
    for (const pgid of [1, 0, -1, -42, 1.5, Number.NaN]) {
      expect((await codeOf(() => signalGroup(pgid, 'SIGTERM'))).code).toBe('UNSAFE_SIGNAL_TARGET');
    }
  });

  it('JOB_NOT_LOCAL: a Job block naming a job this machine has no record of', async () => {
    const state = new LocalState(join(dir, 'state'));
    expect(jobOfAttempt(state, { idempotencyKey: 'r#1', jobId: 'h:42' })).toBe('foreign');
    expect(jobOfAttempt(state, { idempotencyKey: 'r#1' })).toBe('none');
    saveLaunch(state, 'r#1', {
      executor: 'local',
      jobId: 'h:42',
      outputPath: '/x/output.log',
      submittedAt: 'now',
      extra: { key: 'r#1' },
    });
    expect(jobOfAttempt(state, { idempotencyKey: 'r#1', jobId: 'h:42' })).toMatchObject({ jobId: 'h:42' });
    // The same key with another job id is not ours either.
    expect(jobOfAttempt(state, { idempotencyKey: 'r#1', jobId: 'h:43' })).toBe('foreign');
    const e = notLocal('r', { idempotencyKey: 'r#1', jobId: 'h:43', host: 'other' });
    expect(e.code).toBe('JOB_NOT_LOCAL');
    expect(e.hint).toContain('runlog cancel');
  });

  it('LOCAL_OUTPUT_NOT_A_FILE: a FIFO where the output log goes is never opened for the job', async () => {
    const state = new LocalState(join(dir, 'state'));
    const key = 'test/fifo#1';
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(
      join(state.attemptDir(key), 'intent.json'),
      JSON.stringify({
        schema: 1,
        idempotencyKey: key,
        runId: 'test/fifo',
        attempt: 1,
        argv: ['true'],
        cwd: dir,
        submittedAt: new Date().toISOString(),
      }),
    );
    execFileSync('mkfifo', [join(out, 'output.log')]);
    const ex = new LocalExecutor({ state });
    const e = await codeOf(() =>
      ex.submit({
        runId: 'test/fifo',
        attempt: 1,
        idempotencyKey: key,
        argv: ['true'],
        cwd: dir,
        outputDir: out,
        env: {},
        resources: {},
      }),
    );
    expect(e.code).toBe('LOCAL_OUTPUT_NOT_A_FILE');
    expect(existsSync(join(state.attemptDir(key), 'job.json'))).toBe(false);
  });
});

describe('recovery and the lock', () => {
  it('RECOVERY_FAILED: a journal git cannot undo is parked under refs/runlog/journal/ and cleared', async () => {
    const repo = gitRepo();
    const git = new Git(repo);
    const head = (await git.run(['rev-parse', 'HEAD'])).trim();
    mkdirSync(join(repo, '.git', 'runlog'));
    writeFileSync(
      join(repo, '.git', 'runlog', 'journal.json'),
      JSON.stringify({ head, paths: ['gone.md'], created: [] }),
    );
    const e = await codeOf(() => new TxJournal(join(repo, '.git'), repo, git).recover());
    expect(e.code).toBe('RECOVERY_FAILED');
    expect(existsSync(join(repo, '.git', 'runlog', 'journal.json'))).toBe(false);
    const ref = (e.details as { ref: string }).ref;
    expect(JSON.parse(await git.run(['cat-file', '-p', ref]))).toMatchObject({ paths: ['gone.md'] });
    // The next recovery has nothing left to do.
    await new TxJournal(join(repo, '.git'), repo, git).recover();
  });

  it('LOCK_COMPROMISED says what landed, and asks for a re-run only when nothing did', async () => {
    const gitDir = join(dir, '.git');
    mkdirSync(gitDir);
    const lock = await acquireLedgerLock(gitDir);
    const owner = join(gitDir, 'runlog', 'ledger.lock', 'owner.json');
    writeFileSync(
      owner,
      JSON.stringify({ ...JSON.parse(readFileSync(owner, 'utf8')), token: 'someone-else', pid: 4242 }),
    );
    const landed = await codeOf(() =>
      lock.check({ commit: 'a'.repeat(40), subject: 'run: log status', pushed: false }),
    );
    expect(landed.code).toBe('LOCK_COMPROMISED');
    expect(landed.message).toContain('aaaaaaaaaaaa');
    expect(landed.hint).toMatch(/do not run the command again/);
    const nothing = await codeOf(() => lock.check());
    expect(nothing.hint).toMatch(/^nothing was changed; run the command again/);
    await lock.release();
  });
});
