/**
 * Who wrote each line of a file, as `git blame` sees it. Blame, not a walk
 * of `git log -p`: it attributes by position, so two identical lines written
 * by two people stay apart, it follows whole-file renames, and it sees lines
 * a merge brought in. A line changed later belongs to the commit that
 * changed it. The working-tree file is blamed, so line numbers match what a
 * reader of the file sees; lines not committed yet have no commit.
 */
import { isoSeconds } from '../core/time.js';
import type { Git } from './git.js';

export interface LineAuthor {
  sha: string;
  author: string;
  authorEmail: string;
  /** ISO-8601, UTC. */
  authorTime: string;
  committer: string;
  committerEmail: string;
  committerTime: string;
  subject: string;
  /** The file's path in that commit (differs from today's after a rename). */
  path: string;
}

/** Every line of the file (index 0 = line 1): its author, or null when not committed yet. */
export type Blame = (LineAuthor | null)[];

const UNCOMMITTED = /^0{40}$/;

/** Blame's epoch seconds as ISO-8601 UTC (the zone it also prints only says where the clock was). */
function iso(epoch: string | undefined): string {
  return isoSeconds(new Date(Number(epoch ?? 0) * 1000));
}

function unquote(path: string): string {
  if (!path.startsWith('"')) return path;
  try {
    return JSON.parse(path) as string;
  } catch {
    return path.slice(1, -1);
  }
}

/** Blame `path` (relative to the git cwd); null when git knows no committed version of it. */
export async function blameFile(git: Git, path: string): Promise<Blame | null> {
  const r = await git.tryRun(['blame', '--porcelain', '--', path]);
  if (!r.ok) {
    if (/no such path|no such ref|does not have any commits|bad revision/i.test(r.err.stderr)) return null;
    throw r.err;
  }
  const commits = new Map<string, Record<string, string>>();
  const out: Blame = [];
  let current: { sha: string; final: number; fields: Record<string, string> } | null = null;
  for (const line of r.out.split('\n')) {
    if (current === null) {
      const head = /^([0-9a-f]{40}) \d+ (\d+)/.exec(line);
      if (!head) continue;
      const fields = commits.get(head[1]!) ?? {};
      commits.set(head[1]!, fields);
      current = { sha: head[1]!, final: Number(head[2]), fields };
    } else if (line.startsWith('\t')) {
      const f = current.fields;
      out[current.final - 1] = UNCOMMITTED.test(current.sha)
        ? null
        : {
            sha: current.sha,
            author: f['author'] ?? '',
            authorEmail: (f['author-mail'] ?? '').replace(/^<|>$/g, ''),
            authorTime: iso(f['author-time']),
            committer: f['committer'] ?? '',
            committerEmail: (f['committer-mail'] ?? '').replace(/^<|>$/g, ''),
            committerTime: iso(f['committer-time']),
            subject: f['summary'] ?? '',
            path: unquote(current.fields['filename'] ?? path),
          };
      current = null;
    } else {
      const sp = line.indexOf(' ');
      const k = sp === -1 ? line : line.slice(0, sp);
      // `filename` can change between groups of one commit (a rename); the rest is the commit's.
      current.fields[k] = sp === -1 ? '' : line.slice(sp + 1);
    }
  }
  return out;
}
