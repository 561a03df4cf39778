/**
 * Questions about commits named in run logs. A SHA read from a run log is
 * data from someone's clone: only a plain hex name ever reaches git, so a
 * value such as `--output=<file>` cannot become an option.
 */
import type { Git } from './git.js';

const SHA = /^[0-9a-f]{7,40}$/i;

export function isShaLike(v: string | null | undefined): v is string {
  return typeof v === 'string' && SHA.test(v);
}

export type DiffStat = { ok: true; lines: string[] } | { ok: false; reason: string };

/** `git diff --stat <from> <to>`, or why it cannot be shown (not a SHA, not in this repository). */
export async function diffStat(git: Git, from: string | null, to: string | null): Promise<DiffStat> {
  if (!from || !to)
    return {
      ok: false,
      reason: `${!from && !to ? 'neither run records' : `${!from ? 'the first' : 'the second'} run records no`} launch commit`,
    };
  for (const sha of [from, to])
    if (!isShaLike(sha)) return { ok: false, reason: `${JSON.stringify(sha)} is not a commit SHA` };
  const r = await git.tryRun([
    'diff',
    '--stat',
    '--no-color',
    '--no-ext-diff',
    `${from}^{commit}`,
    `${to}^{commit}`,
    '--',
  ]);
  if (r.ok) return { ok: true, lines: r.out.split('\n').filter((l) => l.trim() !== '') };
  const missing: string[] = [];
  for (const sha of [from, to]) if (!(await git.tryRun(['cat-file', '-e', `${sha}^{commit}`])).ok) missing.push(sha);
  return {
    ok: false,
    reason:
      missing.length > 0
        ? `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not in this repository (fetch the code's history to see the diff)`
        : r.err.message,
  };
}
