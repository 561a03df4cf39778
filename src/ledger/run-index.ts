/**
 * A stat-validated cache of each run log's summary, kept in the git dir the
 * way git keeps its index: derived data, never committed, safe to delete.
 * An entry is used only while the file's size, mtime, ctime and inode are
 * unchanged; anything else re-reads the file. `list` over 10,000 runs then
 * costs a stat per file instead of a read and a parse.
 */
import { mkdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { atomicWrite } from '../util/fs.js';
import type { Diagnostic } from '../markdown/runlog.js';

export interface RunSummary {
  state: string;
  runType: string | null;
  failureClass: string | null;
  updated: string | null;
  stateInferred: boolean;
  errors: Diagnostic[];
  /** A dated name is not enough: an eval write-up or a model-card draft in the folder is not a run. */
  notARun?: true;
}

interface Entry extends RunSummary {
  k: string;
}

const VERSION = 3;

function key(st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`;
}

export class RunIndex {
  private entries = new Map<string, Entry>();
  private dirty = false;

  private constructor(private readonly file: string | null) {}

  static open(gitDir: string | null): RunIndex {
    if (!gitDir) return new RunIndex(null);
    const file = join(gitDir, 'runlog', 'run-index.json');
    const idx = new RunIndex(file);
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { v: number; runs: Record<string, Entry> };
      if (raw.v === VERSION) idx.entries = new Map(Object.entries(raw.runs));
    } catch {
      // no cache yet, or an unreadable one: it is rebuilt as files are read
    }
    return idx;
  }

  /** The summary for `path`, from the cache when the file is unchanged, else computed and cached. */
  get(path: string, abs: string, compute: () => RunSummary): RunSummary {
    const k = key(statSync(abs));
    const hit = this.entries.get(path);
    if (hit && hit.k === k) return hit;
    const fresh = { ...compute(), k };
    this.entries.set(path, fresh);
    this.dirty = true;
    return fresh;
  }

  save(live: Set<string>): void {
    for (const p of this.entries.keys()) {
      if (!live.has(p)) {
        this.entries.delete(p);
        this.dirty = true;
      }
    }
    if (!this.dirty || !this.file) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      atomicWrite(this.file, JSON.stringify({ v: VERSION, runs: Object.fromEntries(this.entries) }));
    } catch {
      // a read-only checkout still lists correctly, only slower
    }
  }
}
