/**
 * Seal tags: annotated tags that pin the code a result came from, created
 * under the ledger lock and pushed to the ledger's remote. Creating a tag
 * that already points where it should is a no-op, so sealing is idempotent.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { scrubberFor, type Scrubber } from '../core/scrub/scrub.js';
import { failed, usageError } from '../core/errors.js';
import { Git, type GitError } from './git.js';
import type { Ledger } from './ledger-repo.js';
import { acquireLedgerLock } from './lock.js';

/** The commit a tag points at (peeled), or null when there is no such tag. */
export async function tagCommit(git: Git, name: string): Promise<string | null> {
  const r = await git.tryRun(['rev-parse', '--verify', '-q', `refs/tags/${name}^{commit}`]);
  return r.ok ? r.out.trim() : null;
}

export async function commitExists(git: Git, sha: string): Promise<string | null> {
  const r = await git.tryRun(['rev-parse', '--verify', '-q', `${sha}^{commit}`]);
  return r.ok ? r.out.trim() : null;
}

export async function checkTagName(git: Git, name: string, scrubber: Scrubber = scrubberFor(undefined)): Promise<void> {
  // A ref name is pushed and listed everywhere, and cannot be redacted in place: one that holds a secret is refused.
  if (scrubber.line(name) !== name) {
    throw usageError(
      'SECRET_IN_NAME',
      'the tag name holds something that looks like a secret',
      'rename the run or milestone; put secrets in the environment, never in a name',
    );
  }
  const r = await git.tryRun(['check-ref-format', `refs/tags/${name}`]);
  if (!r.ok)
    throw usageError(
      'BAD_TAG_NAME',
      `${name} is not a valid git tag name`,
      'use letters, digits, "-", "_", "." and "/" in the run id and milestone',
    );
}

/** The commit the remote's tag points at: `null` when absent, `undefined` when the remote cannot be asked. */
export async function remoteTagCommit(git: Git, remote: string, name: string): Promise<string | null | undefined> {
  const r = await git.tryRun(['ls-remote', '--tags', remote, `refs/tags/${name}`, `refs/tags/${name}^{}`]);
  if (!r.ok) return undefined;
  const lines = r.out
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
  const peeled = lines.find((l) => l[1] === `refs/tags/${name}^{}`) ?? lines.find((l) => l[1] === `refs/tags/${name}`);
  return peeled?.[0] ?? null;
}

/**
 * A commit on top of `base` holding the recorded dirty-tree patch, made in a
 * throwaway worktree so the user's checkout is never touched.
 */
export async function createPatchCommit(
  ledger: Ledger,
  base: string,
  patchFile: string,
  message: string,
): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'runlog-seal-'));
  const tree = path.join(dir, 'tree');
  await ledger.git.run(['worktree', 'add', '-q', '--detach', tree, base]);
  try {
    const wt = new Git(tree);
    const applied = await wt.tryRun(['apply', '--whitespace=nowarn', path.resolve(patchFile)]);
    if (!applied.ok) {
      throw failed(
        'SEAL_PATCH_DOES_NOT_APPLY',
        `the recorded dirty-tree patch does not apply to ${base.slice(0, 12)}: ${applied.err.message}`,
        'check that the Job block names the patch taken at launch and the launch git SHA',
      );
    }
    await wt.run(['add', '-A']);
    await wt.run([
      'commit',
      '-q',
      '--no-verify',
      '--allow-empty',
      '-m',
      scrubberFor(ledger.config.scrub.rules).text(message),
    ]);
    return (await wt.run(['rev-parse', 'HEAD'])).trim();
  } finally {
    await ledger.git.tryRun(['worktree', 'remove', '--force', tree]);
    await rm(dir, { recursive: true, force: true });
  }
}

export interface SealTagRequest {
  name: string;
  /** The launch commit the result came from. */
  target: string;
  message: string;
  /** With an approved dirty launch: the patch to commit on top of target first. */
  patch?: string;
  push: boolean;
}

export interface SealTagResult {
  /** The commit the tag points at (target, or the seal commit). */
  commit: string;
  sealCommit: string | null;
  created: boolean;
  pushed: boolean;
  pushError?: string;
}

/** A tag that already exists is accepted when it points at the target or at a seal commit made on it. */
async function acceptsExisting(git: Git, commit: string, target: string, withPatch: boolean): Promise<boolean> {
  if (commit === target) return !withPatch;
  if (!withPatch) return false;
  const parent = await git.tryRun(['rev-parse', '--verify', '-q', `${commit}^1`]);
  return parent.ok && parent.out.trim() === target;
}

export async function sealTag(ledger: Ledger, req: SealTagRequest): Promise<SealTagResult> {
  const git = ledger.git;
  const scrubber = scrubberFor(ledger.config.scrub.rules);
  await checkTagName(git, req.name, scrubber);
  const lock = await acquireLedgerLock(ledger.gitDir);
  try {
    const remote = ledger.config.remote;
    const hasRemote = (await git.remoteUrl(remote)) !== null;
    const onRemote = hasRemote ? await remoteTagCommit(git, remote, req.name) : null;
    let commit = await tagCommit(git, req.name);
    if (commit === null && onRemote) {
      // Sealed from another clone: fetch that tag rather than making a second one.
      await git.run(['fetch', '-q', remote, `refs/tags/${req.name}:refs/tags/${req.name}`]);
      commit = await tagCommit(git, req.name);
    }
    let created = false;
    let sealCommit: string | null = null;
    if (commit !== null) {
      if (!(await acceptsExisting(git, commit, req.target, req.patch !== undefined))) {
        throw failed(
          'SEAL_TAG_CONFLICT',
          `tag ${req.name} already exists and points at ${commit.slice(0, 12)}, not at the launch commit ${req.target.slice(0, 12)}`,
          'inspect it with `git show <tag>`; seal a milestone under another name (--milestone) instead of moving a seal',
        );
      }
      if (commit !== req.target) sealCommit = commit;
    } else {
      if (req.patch)
        sealCommit = await createPatchCommit(
          ledger,
          req.target,
          req.patch,
          `seal: ${req.name} (approved dirty-tree patch at launch)`,
        );
      // The last line of defence: a tag message is pushed and never rewritten.
      await git.run([
        'tag',
        '-a',
        '--cleanup=whitespace',
        '-m',
        scrubber.text(req.message),
        req.name,
        sealCommit ?? req.target,
      ]);
      commit = sealCommit ?? req.target;
      created = true;
    }
    let pushed = false;
    let pushError: string | undefined;
    if (req.push && hasRemote && ledger.config.push === 'auto' && onRemote !== commit) {
      if (onRemote) {
        pushError = `the remote's tag ${req.name} points at ${onRemote.slice(0, 12)}`;
      } else {
        const r = await git.tryRun([
          'push',
          '-q',
          '--no-verify',
          remote,
          `refs/tags/${req.name}:refs/tags/${req.name}`,
        ]);
        if (r.ok) pushed = true;
        else pushError = firstLine(r.err);
      }
    }
    return { commit, sealCommit, created, pushed, pushError };
  } finally {
    await lock.release();
  }
}

function firstLine(err: GitError): string {
  return (
    err.stderr
      .split('\n')
      .map((l) => l.replace(/^(fatal|error):\s*/, '').trim())
      .find((l) => l && !/^(To |hint:)/.test(l)) ?? err.message
  );
}
