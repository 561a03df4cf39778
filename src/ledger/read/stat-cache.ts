/**
 * A stat-validated cache of something derived from each run log, kept in the
 * git dir the way git keeps its index: never committed, safe to delete. An
 * entry is used only while the file's size, mtime, ctime and inode are
 * unchanged; anything else recomputes it. Reading 1,000 run logs to compare
 * them then costs a stat per file instead of a read and a parse.
 */
import { mkdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../../core/fs.js';

function key(st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

type Entry<T> = T & { k: string };

export class StatCache<T extends object> {
  private entries = new Map<string, Entry<T>>();
  private dirty = false;

  private constructor(
    private readonly file: string | null,
    private readonly version: number,
  ) {}

  /** `name` is the file under `<git dir>/runlog/`; a stored version other than `version` is ignored. */
  static open<T extends object>(gitDir: string | null, name: string, version: number): StatCache<T> {
    if (!gitDir) return new StatCache<T>(null, version);
    const cache = new StatCache<T>(join(gitDir, 'runlog', name), version);
    try {
      const raw = JSON.parse(readFileSync(cache.file!, 'utf8')) as { v: number; runs: Record<string, Entry<T>> } | null;
      // Derived data anything may have damaged: a cache of the wrong shape is rebuilt, never trusted.
      if (raw?.v === version && typeof raw.runs === 'object' && raw.runs !== null)
        cache.entries = new Map(Object.entries(raw.runs));
    } catch {
      // no cache yet, or an unreadable one: it is rebuilt as files are read
    }
    return cache;
  }

  /** The value for `path`, from the cache when the file is unchanged, else computed and cached. */
  get(path: string, abs: string, compute: () => T): T {
    const k = key(statSync(abs));
    const hit = this.entries.get(path);
    if (typeof hit === 'object' && hit !== null && hit.k === k) return hit;
    const fresh = { ...compute(), k } as Entry<T>;
    this.entries.set(path, fresh);
    this.dirty = true;
    return fresh;
  }

  /**
   * Write the cache back. With `live`, entries for files not in it are
   * dropped (a listing of the whole ledger knows every file); without, a
   * partial read (one group, two runs) keeps the others.
   */
  save(live?: Set<string>): void {
    if (live) {
      for (const p of this.entries.keys()) {
        if (!live.has(p)) {
          this.entries.delete(p);
          this.dirty = true;
        }
      }
    }
    if (!this.dirty || !this.file) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      atomicWrite(this.file, JSON.stringify({ v: this.version, runs: Object.fromEntries(this.entries) }));
    } catch {
      // a read-only checkout still reads correctly, only slower
    }
  }
}
