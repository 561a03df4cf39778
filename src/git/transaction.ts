/**
 * The git transaction every write goes through:
 * lock → sync with the remote → apply the operation to the current files →
 * atomic write → commit `<run>: <what>` with the operation as a trailer → push.
 * A rejected push fetches, moves to the remote head and re-applies the
 * operations (never a text merge), with bounded, jittered retries.
 * An unreachable remote keeps the local commit; `runlog sync` pushes it later.
 * Every file is read and written through core/confined-fs (no symlinks);
 * a failed commit puts the files back before the error is reported.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeManyInside } from '../core/confined-fs.js';
import { scrubberFor } from '../core/scrub/scrub.js';
import { RunlogError, failed } from '../core/errors.js';
import { decodeTrailer, encodeTrailer, TRAILER, type Applied, type Operation } from '../core/operation.js';
import { type GitError, isMissingRemoteBranch, isPushRejected, type Git } from './git.js';
import { backoffMs, sleep } from '../core/backoff.js';
import { TxJournal } from './journal.js';
import { acquireLedgerLock, type Landed, type LedgerLock } from './lock.js';
import { takePushTurn } from './push-queue.js';
import { notKnownClean, rememberClean, statsBeforeCommit } from './clean-proof.js';
import { ledgerView, type Ledger, type LedgerView } from './ledger-repo.js';
import { editedByHand, noteMadeHere } from './replay-check.js';

/** How long rejected pushes are retried at least (see pushWithReplay). */
const PUSH_PATIENCE_MS = 30_000;
const PUSH_BACKOFF_BASE_MS = 25;
const PUSH_BACKOFF_CAP_MS = 500;
/** The longest wait between attempts, in attempt durations. */
const PUSH_BACKOFF_CYCLES = 8;
/** Messages at least this long are passed in a file (see messageArgs). */
const LONG_MESSAGE = 64 * 1024;

/** Applies an operation and returns it as applied (validated and scrubbed): that is what the commit records. */
export type ApplyOperation = (view: LedgerView, op: Operation) => Promise<Applied & { op: Operation }>;

export interface TxResult<R = unknown> {
  result: R;
  subject: string;
  /** Null when the operation changed nothing (nothing to commit). */
  commit: string | null;
  pushed: boolean;
  /** Set when the push failed: the local commit is kept. */
  pushError?: RunlogError;
  /** Operations re-applied on top of a moved remote. */
  replayed: number;
  /** Pushes the remote rejected (it had moved) before this one went through or gave up. */
  pushRetries: number;
}

export class Transaction {
  constructor(
    private readonly ledger: Ledger,
    private readonly apply: ApplyOperation,
  ) {}

  private lock?: LedgerLock;
  /** What this command has committed so far: a lost lock must report it, never invite a re-run. */
  private landed: Landed = { commit: null };

  private get git(): Git {
    return this.ledger.git;
  }

  private journal(): TxJournal {
    return new TxJournal(this.ledger.gitDir, this.ledger.root, this.git);
  }

  /** Stop here if another process took the ledger lock over while this one was paused. */
  private checkLock(): void {
    this.lock?.check(this.landed);
  }

  private async locked<T>(body: () => Promise<T>): Promise<T> {
    this.lock = await acquireLedgerLock(this.ledger.gitDir);
    try {
      await this.journal().recover();
      return await body();
    } finally {
      await this.lock.release();
      this.lock = undefined;
    }
  }

  run<R>(op: Operation, opts: { push: boolean }): Promise<TxResult<R>> {
    return this.locked(async () => {
      const url =
        opts.push && this.ledger.config.push === 'auto' ? await this.git.remoteUrl(this.ledger.config.remote) : null;
      if (url === null) {
        const done = await this.applyAndCommit(op);
        return {
          result: done.applied.result as R,
          subject: done.applied.subject,
          commit: done.commit,
          pushed: false,
          replayed: 0,
          pushRetries: 0,
        };
      }
      const endTurn = await takePushTurn(url, await this.branch(), this.ledger.root);
      try {
        return await this.commitAndPush<R>(op);
      } finally {
        endTurn();
      }
    });
  }

  private async commitAndPush<R>(op: Operation): Promise<TxResult<R>> {
    const synced = await this.syncWithRemote();
    const done = await this.applyAndCommit(op);
    const base: TxResult<R> = {
      result: done.applied.result as R,
      subject: done.applied.subject,
      commit: done.commit,
      pushed: false,
      replayed: synced.replayed,
      pushRetries: 0,
    };
    if (done.commit === null && synced.replayed === 0 && !(await this.hasUnpushed())) return base;
    if (synced.offline)
      return { ...base, pushError: offlineError(this.ledger.config.remote, done.commit, synced.offline) };
    this.checkLock();
    const pushed = await this.pushWithReplay();
    this.landed.pushed = pushed.ok;
    this.checkLock();
    return {
      ...base,
      pushed: pushed.ok,
      replayed: synced.replayed + pushed.replayed,
      pushRetries: pushed.retries,
      pushError: pushed.ok ? undefined : offlineError(this.ledger.config.remote, done.commit, pushed),
    };
  }

  private branchName: string | undefined;

  /** The checked-out branch; it cannot change while the ledger lock is held. */
  private async branch(): Promise<string> {
    this.branchName ??= await this.git.branch();
    return this.branchName;
  }

  /** `runlog sync`: push what is committed but not on the remote, replaying onto a moved remote. */
  sync(): Promise<{ pushed: number; pending: number; replayed: number; offline?: Offline }> {
    return this.locked(async () => {
      const url = await this.git.remoteUrl(this.ledger.config.remote);
      if (url === null) {
        throw failed(
          'NO_REMOTE',
          `the ledger repo has no remote named ${this.ledger.config.remote}`,
          'add one with `git remote add origin <url>` or `runlog init --remote <url>`',
        );
      }
      const endTurn = await takePushTurn(url, await this.branch(), this.ledger.root);
      try {
        return await this.syncAndPush();
      } finally {
        endTurn();
      }
    });
  }

  private async syncAndPush(): Promise<{ pushed: number; pending: number; replayed: number; offline?: Offline }> {
    const synced = await this.syncWithRemote();
    const before = await this.unpushedCount();
    if (synced.offline) return { pushed: 0, pending: before, replayed: synced.replayed, offline: synced.offline };
    if (before === 0) return { pushed: 0, pending: 0, replayed: synced.replayed };
    const pushed = await this.pushWithReplay();
    if (!pushed.ok)
      return {
        pushed: 0,
        pending: await this.unpushedCount(),
        replayed: synced.replayed + pushed.replayed,
        offline: pushed,
      };
    return { pushed: before, pending: 0, replayed: synced.replayed + pushed.replayed };
  }

  private remoteRef(branch: string): string {
    return `refs/remotes/${this.ledger.config.remote}/${branch}`;
  }

  /** Fetch; fast-forward when behind; replay local operations when diverged. */
  private async syncWithRemote(): Promise<{ offline?: Offline; replayed: number }> {
    const branch = await this.branch();
    const fetched = await this.fetch(branch);
    if (fetched === 'offline') return { offline: this.lastFetchError, replayed: 0 };
    this.checkLock();
    if (fetched === 'empty') return { replayed: 0 };
    const remote = this.remoteRef(branch);
    const head = await this.git.head();
    if (head === null) {
      await this.git.run(['reset', '-q', '--keep', remote]);
      return { replayed: 0 };
    }
    if (await this.git.isAncestor('HEAD', remote)) {
      await this.git.run(['merge', '-q', '--ff-only', remote]);
      return { replayed: 0 };
    }
    if (await this.git.isAncestor(remote, 'HEAD')) return { replayed: 0 };
    return { replayed: await this.replayOnto(remote) };
  }

  private lastFetchError: Offline = { reason: '', timedOut: false };

  private async fetch(branch: string): Promise<'ok' | 'empty' | 'offline'> {
    const r = await this.git.tryRun([
      'fetch',
      '-q',
      '--no-tags',
      this.ledger.config.remote,
      `+refs/heads/${branch}:${this.remoteRef(branch)}`,
    ]);
    if (r.ok) return 'ok';
    if (isMissingRemoteBranch(r.err)) return 'empty';
    this.lastFetchError = offlineOf(r.err);
    return 'offline';
  }

  private async hasUnpushed(): Promise<boolean> {
    return (await this.unpushedCount()) > 0;
  }

  private async unpushedCount(): Promise<number> {
    const branch = await this.branch();
    const remote = this.remoteRef(branch);
    if ((await this.git.tryRun(['rev-parse', '--verify', '-q', remote])).ok === false)
      return (await this.git.revList('HEAD')).length;
    return (await this.git.revList(`${remote}..HEAD`)).length;
  }

  private async pushWithReplay(): Promise<{
    ok: boolean;
    reason: string;
    timedOut: boolean;
    replayed: number;
    retries: number;
  }> {
    const branch = await this.branch();
    const retries = this.ledger.config.push_retries;
    const started = Date.now();
    let replayed = 0;
    let cycleStart = started;
    for (let attempt = 0; ; attempt++) {
      const r = await this.git.tryRun([
        'push',
        '-q',
        '--no-verify',
        this.ledger.config.remote,
        `HEAD:refs/heads/${branch}`,
      ]);
      const cycleMs = Date.now() - cycleStart;
      if (r.ok) {
        await this.git.tryRun(['update-ref', this.remoteRef(branch), 'HEAD']);
        return { ok: true, reason: '', timedOut: false, replayed, retries: attempt };
      }
      if (!isPushRejected(r.err)) return { ok: false, ...offlineOf(r.err), replayed, retries: attempt };
      // The budget is push_retries attempts AND a minimum time: with many busy
      // writers a single attempt (fetch, replay, push) is slow and loses often,
      // so a count alone runs out in seconds while the remote is healthy.
      const elapsed = Date.now() - started;
      if (retries === 0 || (attempt >= retries && elapsed >= PUSH_PATIENCE_MS)) {
        return {
          ok: false,
          reason: `the remote kept moving; gave up after ${attempt + 1} attempts in ${Math.round(elapsed / 1000)} s`,
          timedOut: false,
          replayed,
          retries: attempt + 1,
        };
      }
      // Jittered backoff so writers that collided spread out. It comes before
      // the fetch: sleeping between fetch+replay and the push would only give
      // the others time to move the remote again. Its unit is the time one
      // attempt took: on a loaded machine or a slow link an attempt takes a
      // second, and fixed waits of at most 500 ms left 8 writers on separate
      // machines colliding 3 times per entry (2 of 24 appends ran out of patience).
      await sleep(
        backoffMs(
          attempt + 1,
          Math.max(PUSH_BACKOFF_BASE_MS, cycleMs),
          Math.max(PUSH_BACKOFF_CAP_MS, PUSH_BACKOFF_CYCLES * cycleMs),
          Math.random(),
          0,
        ),
      );
      cycleStart = Date.now();
      const fetched = await this.fetch(branch);
      if (fetched === 'offline') return { ok: false, ...this.lastFetchError, replayed, retries: attempt + 1 };
      this.checkLock();
      replayed += await this.replayOnto(this.remoteRef(branch));
    }
  }

  /**
   * Move to `onto` and apply again, in order, the operations of every local
   * commit the remote does not have. The old commits stay reachable under
   * refs/runlog/replayed/ until the push succeeds, so nothing can be lost.
   */
  private async replayOnto(onto: string): Promise<number> {
    const local = await this.git.revList(`${onto}..HEAD`);
    if (local.length === 0) {
      await this.git.run(['reset', '-q', '--keep', onto]);
      return 0;
    }
    const ops: { sha: string; op: Operation }[] = [];
    for (const sha of local) {
      const op = decodeTrailer(await this.git.commitMessage(sha));
      if (!op) {
        throw failed(
          'CANNOT_REPLAY',
          `local commit ${sha.slice(0, 12)} was not made by runlog, and the remote has moved`,
          `integrate it by hand (\`git pull --rebase ${this.ledger.config.remote}\`), then run \`runlog sync\``,
        );
      }
      ops.push({ sha, op });
    }
    for (const { sha, op } of ops) {
      if (await editedByHand(this.ledger, this.apply, sha, op)) throw await this.handEdited(sha, onto);
    }
    const backup = `refs/runlog/replayed/${Date.now()}-${process.pid}`;
    await this.git.run(['update-ref', backup, 'HEAD']);
    await this.git.run(['reset', '-q', '--keep', onto]);
    const conflicts: string[] = [];
    for (const { sha, op } of ops) {
      try {
        await this.applyAndCommit(op);
      } catch (err) {
        await this.git.run(['update-ref', `refs/runlog/conflicts/${sha}`, sha]);
        conflicts.push(
          `${sha.slice(0, 12)} (${op.kind}${op.run ? ` ${op.run}` : ''}): ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    if (conflicts.length > 0) {
      throw failed(
        'REPLAY_CONFLICT',
        `${conflicts.length} local operation(s) no longer apply on top of the remote: ${conflicts.join('; ')}`,
        'the original commits are kept under refs/runlog/conflicts/; inspect them with `git show`, redo what still matters, then delete the refs',
      );
    }
    await this.git.run(['update-ref', '-d', backup]);
    return ops.length;
  }

  /**
   * A runlog commit changed by hand: keep it under refs/runlog/hand-edited/
   * and say how to carry the change over, depending on whether the remote
   * already has runlog's original of it.
   */
  private async handEdited(sha: string, onto: string): Promise<RunlogError> {
    const ref = `refs/runlog/hand-edited/${sha}`;
    await this.git.run(['update-ref', ref, sha]);
    const subject = (await this.git.run(['log', '-1', '--format=%s', sha])).trim();
    const remote = onto.replace(/^refs\/remotes\//, '');
    const trailer = (await this.git.commitMessage(sha)).split('\n').find((l) => l.startsWith(`${TRAILER}: `)) ?? '';
    const original = trailer
      ? (await this.git.run(['log', '-F', `--grep=${trailer}`, '--format=%H', '-n', '1', `HEAD..${onto}`])).trim()
      : '';
    const short = sha.slice(0, 12);
    if (original) {
      return failed(
        'HAND_EDITED_COMMIT',
        `commit ${short} (${subject}) was changed by hand after runlog made it, and ${remote} already has runlog's original (${original.slice(0, 12)}); replaying it would record the entry twice and undo your change`,
        `carry your change over as a new commit: \`git reset --keep ${remote}\`, redo the edit (\`git diff ${original.slice(0, 12)} ${short}\` shows it), commit it, then \`runlog sync\`; your commit stays in ${ref}`,
        { details: { commit: sha, original, ref } },
      );
    }
    const [name, ...branch] = remote.split('/');
    return failed(
      'HAND_EDITED_COMMIT',
      `commit ${short} (${subject}) was changed by hand after runlog made it, and ${remote} has moved; replaying its operation would undo your change`,
      `integrate it with git: \`git pull --rebase ${name} ${branch.join('/')}\`, then \`runlog sync\`; your commit stays in ${ref}`,
      { details: { commit: sha, ref } },
    );
  }

  private async applyAndCommit(
    op: Operation,
  ): Promise<{ applied: Applied & { op: Operation }; commit: string | null }> {
    const view = ledgerView(this.ledger);
    const applied = await this.apply(view, op);
    const writes = applied.writes.filter((w) => view.read(w.path) !== w.content);
    if (writes.length === 0) return { applied, commit: null };
    const paths = writes.map((w) => w.path);
    const existing = paths.filter((p) => view.read(p) !== null);
    const head = await this.git.headFast(this.ledger.gitDir);
    const { dirty, untracked } = await this.git.pathStatus(
      notKnownClean(this.ledger.gitDir, this.ledger.root, head, existing),
    );
    if (dirty.length > 0) {
      throw failed(
        'UNCOMMITTED_CHANGES',
        `${dirty.join(', ')} has uncommitted changes`,
        'commit or stash your edits to that file first (`git commit -- <file>`), then run the command again',
      );
    }
    const created = paths.filter((p) => !existing.includes(p));
    this.checkLock();
    const journal = this.journal();
    journal.begin({ head, paths, created, kept: untracked });
    let written = new Map<string, string | null>();
    try {
      await writeManyInside(this.ledger.root, writes);
      written = statsBeforeCommit(this.ledger.root, paths);
      // `git commit -- <paths>` stages tracked files itself; only new files need adding first.
      const toAdd = [...created, ...untracked];
      if (toAdd.length > 0) await this.git.run(['add', '--', ...toAdd]);
      // The last line of defence: subject and trailer pass the scrubber again, whatever the operation did.
      const scrubber = scrubberFor(this.ledger.config.scrub.rules);
      await this.git.run([
        'commit',
        '-q',
        '--no-verify',
        ...this.messageArgs(scrubber.line(applied.subject), encodeTrailer(applied.op, scrubber)),
        '--',
        ...paths,
      ]);
    } catch (err) {
      // Put the files back now, so a failed command changes nothing; if even that fails, the journal stays for the next one.
      await journal.recover().catch(() => undefined);
      throw err;
    }
    const commit = await this.git.headFast(this.ledger.gitDir);
    journal.clear();
    if (commit) {
      rememberClean(this.ledger.gitDir, this.ledger.root, commit, written);
      noteMadeHere(commit);
      this.landed = { commit, subject: applied.subject };
    }
    this.checkLock();
    return { applied, commit };
  }

  /**
   * `-m` for ordinary messages. Linux refuses one argument over 128 KiB, and
   * the trailer of a campaign launch carries its whole frozen manifest, so a
   * long message goes through a file in the git dir instead.
   */
  private messageArgs(subject: string, trailer: string): string[] {
    if (subject.length + trailer.length < LONG_MESSAGE) return ['--cleanup=whitespace', '-m', subject, '-m', trailer];
    const file = join(this.ledger.gitDir, 'runlog', 'commit-message.txt');
    writeFileSync(file, `${subject}\n\n${trailer}\n`);
    return ['--cleanup=whitespace', '-F', file];
  }
}

/** Why the remote could not be updated, and whether it was because it did not answer in time. */
export interface Offline {
  reason: string;
  timedOut: boolean;
}

function offlineOf(err: GitError): Offline {
  return err.timedOut ? { reason: err.message, timedOut: true } : { reason: firstLine(err), timedOut: false };
}

/** The push error of a command whose local commit (if any) is kept: exit 5. */
export function offlineError(remote: string, commit: string | null, why: Offline): RunlogError {
  return new RunlogError(
    'push',
    why.timedOut ? 'REMOTE_TIMEOUT' : 'PUSH_FAILED',
    `${commit ? `committed ${commit.slice(0, 12)} locally, but ` : ''}could not update the remote ${remote}: ${why.reason}`,
    why.timedOut
      ? 'the commit is kept; `runlog sync` pushes it when the remote answers (git.timeout in runlog.config.yaml sets how long to wait)'
      : 'the commit is kept; `runlog sync` will push it when the remote is reachable',
    { details: { commit } },
  );
}

function firstLine(err: GitError): string {
  const lines = err.stderr
    .split('\n')
    .map((l) => l.replace(/^(fatal|error):\s*/, '').trim())
    .filter(Boolean);
  return lines.find((l) => !/^(To |hint:)/.test(l)) ?? err.message;
}
