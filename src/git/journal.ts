/**
 * The write-ahead journal of a transaction (`.git/runlog/journal.json`):
 * written before the first file is touched, removed once the commit exists.
 * A command killed in between leaves it, and the next command puts the
 * files back (or keeps the commit that did land). Recovery never wedges the
 * ledger: a journal that is not what runlog wrote is set aside, and a
 * recovery git refuses parks the journal under refs/runlog/journal/ with an
 * error that says what to look at.
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
// zod's v3 API: this module is on append's path, where the v4 bundle costs ~20 ms to load.
import { z } from 'zod/v3';
import { insidePath, isPlainPath, privateDir } from '../core/confined-fs.js';
import { failed, type RunlogError } from '../core/errors.js';
import { GitError, type Git } from './git.js';

const RelPath = z.string().refine(isPlainPath, 'not a plain path inside the ledger');

const JournalSchema = z.object({
  head: z
    .string()
    .regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/)
    .nullable(),
  paths: z.array(RelPath),
  created: z.array(RelPath),
  /** Files that existed but git did not track (hand-kept run logs): their bytes before the write. */
  kept: z.array(z.object({ path: RelPath, backup: z.string().regex(/^kept-\d+$/) })).default([]),
});
export type Journal = z.infer<typeof JournalSchema>;

/** An index.lock younger than this may belong to a git command running right now. */
const INDEX_LOCK_SETTLE_MS = 2_000;

export class TxJournal {
  private readonly dir: string;

  constructor(
    private readonly gitDir: string,
    private readonly root: string,
    private readonly git: Git,
  ) {
    this.dir = join(gitDir, 'runlog');
  }

  private get path(): string {
    return join(this.dir, 'journal.json');
  }

  private get keptDir(): string {
    return join(this.dir, 'journal-files');
  }

  /** Record what is about to be written; `kept` files get their current bytes saved first. */
  begin(j: Omit<Journal, 'kept'> & { kept: string[] }): void {
    privateDir(this.dir);
    rmSync(this.keptDir, { recursive: true, force: true });
    const kept = j.kept.map((path, i) => ({ path, backup: `kept-${i}` }));
    if (kept.length > 0) {
      privateDir(this.keptDir);
      for (const k of kept) copyFileSync(insidePath(this.root, k.path), join(this.keptDir, k.backup));
    }
    writeFileSync(this.path, JSON.stringify({ ...j, kept } satisfies Journal));
  }

  clear(): void {
    try {
      unlinkSync(this.path);
    } catch {
      // already gone
    }
    rmSync(this.keptDir, { recursive: true, force: true });
  }

  /**
   * Finish what a killed command left: keep its commit if it landed, else
   * put every file back as it was. Safe to call when there is no journal.
   */
  async recover(): Promise<void> {
    if (!existsSync(this.path)) return;
    const j = this.read();
    if (j === null) {
      // Not what runlog writes: nothing in it can be trusted to undo, and the next command must not wedge on it.
      renameSync(this.path, join(this.dir, `journal.invalid-${Date.now()}.json`));
      return;
    }
    this.releaseOurIndexLock();
    try {
      await this.undo(j);
    } catch (err) {
      // A lock someone else holds goes away by itself: keep the journal for the next command.
      if (err instanceof GitError && err.code === 'INDEX_LOCKED') throw err;
      throw await this.park(j, err);
    }
    this.clear();
  }

  private read(): Journal | null {
    try {
      const parsed = JournalSchema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  /**
   * git's index.lock is ours to remove only when our own killed git command
   * left it: made after our journal, and old enough that no git that is
   * running now can be holding it. Anyone else's is reported (INDEX_LOCKED).
   */
  private releaseOurIndexLock(): void {
    const lock = join(this.gitDir, 'index.lock');
    let lockTime: number;
    try {
      lockTime = lstatSync(lock).mtimeMs;
    } catch {
      return;
    }
    const journalTime = statSync(this.path).mtimeMs;
    if (lockTime >= journalTime && Date.now() - lockTime > INDEX_LOCK_SETTLE_MS) unlinkSync(lock);
  }

  private async undo(j: Journal): Promise<void> {
    for (const p of j.paths) removeTempSiblings(insidePath(this.root, p));
    const head = await this.git.head();
    if (head !== j.head) {
      // The commit landed; only the index may still hold the staged files.
      if (head !== null && j.paths.length > 0) await this.git.run(['reset', '-q', 'HEAD', '--', ...j.paths]);
      return;
    }
    const keptPaths = new Set(j.kept.map((k) => k.path));
    const tracked = j.paths.filter((p) => !j.created.includes(p) && !keptPaths.has(p));
    // Unstage what the killed command added; without a first commit there is no HEAD to reset to.
    if (head !== null && j.paths.length > 0) await this.git.run(['reset', '-q', 'HEAD', '--', ...j.paths]);
    else if (j.created.length > 0) await this.git.run(['rm', '-q', '--cached', '--ignore-unmatch', '--', ...j.created]);
    if (tracked.length > 0) await this.git.run(['checkout', '-q', 'HEAD', '--', ...tracked]);
    for (const k of j.kept) renameSync(join(this.keptDir, k.backup), insidePath(this.root, k.path));
    for (const p of j.created) {
      try {
        unlinkSync(insidePath(this.root, p));
      } catch {
        // never written
      }
    }
  }

  /** Keep the journal (and the kept files) where git keeps things, and say what to check. */
  private async park(j: Journal, cause: unknown): Promise<RunlogError> {
    const ref = `refs/runlog/journal/${Date.now()}`;
    const blob = (await this.git.run(['hash-object', '-w', this.path])).trim();
    await this.git.run(['update-ref', ref, blob]);
    for (const k of j.kept) {
      const kept = join(this.keptDir, k.backup);
      if (existsSync(kept))
        await this.git.run([
          'update-ref',
          `${ref}-${k.backup}`,
          (await this.git.run(['hash-object', '-w', kept])).trim(),
        ]);
    }
    this.clear();
    const why = cause instanceof Error ? cause.message : String(cause);
    return failed(
      'RECOVERY_FAILED',
      `an earlier runlog command was interrupted while writing ${j.paths.join(', ')}, and putting the files back failed: ${why}`,
      `check those files with \`git status\` and \`git diff\`, commit or restore them by hand (\`git checkout -- <file>\`), then run the command again; the interrupted command's journal is kept as ${ref} (\`git cat-file -p ${ref}\`)`,
      { cause, details: { ref, paths: j.paths } },
    );
  }
}

function removeTempSiblings(file: string): void {
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  try {
    for (const name of readdirSync(dir))
      if (name.startsWith(prefix) && name.endsWith('.tmp')) unlinkSync(join(dir, name));
  } catch {
    // the directory itself is gone: nothing to clean
  }
}
