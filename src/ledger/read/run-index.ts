/**
 * The index `list` answers from: one line per run log, kept in the git dir
 * the way git keeps its index (never committed, safe to delete; unreadable or
 * of another version → rebuilt silently). An entry is trusted while its key
 * still matches the file: the blob id git reports for a clean tracked file,
 * else size, mtime, ctime and inode.
 *
 * One tab-separated line per run instead of a JSON document: at 100,000 runs
 * the JSON index cost 221–237 MB of peak RSS to parse into objects; lines are
 * kept as strings and split only when their run is looked at.
 *
 * An entry is either whole (everything `list` prints) or a head: state and run
 * type read from the front matter alone, enough to filter by without reading
 * or parsing the rest of the file; it is completed when its run is listed.
 */
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../markdown/runlog.js';

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

/** From the front matter alone; the rest is read when the run is listed. */
export interface RunHead {
  head: true;
  state: string;
  runType: string;
}

export type IndexEntry = RunSummary | RunHead;

const HEADER = 'runlog run index 4';

const nul = (s: string | null) => s ?? '';
const orNull = (s: string | undefined) => (s === undefined || s === '' ? null : s);

function fields(path: string, key: string, e: IndexEntry): string[] {
  if ('head' in e) return [path, key, 'h', e.state, e.runType];
  const kind = e.notARun ? 'n' : e.stateInferred ? 'i' : 'f';
  return [
    path,
    key,
    kind,
    e.state,
    nul(e.runType),
    nul(e.failureClass),
    nul(e.updated),
    e.errors.length > 0 ? JSON.stringify(e.errors) : '',
  ];
}

function decode(f: string[]): IndexEntry {
  if (f[2] === 'h') return { head: true, state: f[3]!, runType: f[4]! };
  const e: RunSummary = {
    state: f[3]!,
    runType: orNull(f[4]),
    failureClass: orNull(f[5]),
    updated: orNull(f[6]),
    stateInferred: f[2] !== 'f',
    errors: f[7] ? (JSON.parse(f[7]) as Diagnostic[]) : [],
  };
  if (f[2] === 'n') e.notARun = true;
  return e;
}

/** The key follows the path: compared in place, the line is split only on a hit. */
function keyed(line: string, path: string, key: string): boolean {
  return line.startsWith(key, path.length + 1) && line.charCodeAt(path.length + 1 + key.length) === 9;
}

function decodeLine(line: string): IndexEntry | undefined {
  const f = line.split('\t');
  // Anything may have damaged the file: a line of the wrong shape is a miss, recomputed silently.
  if (f.length !== (f[2] === 'h' ? 5 : 8) || !'hnif'.includes(f[2] ?? 'x') || f[2]!.length !== 1 || f[3] === '')
    return undefined;
  try {
    return decode(f);
  } catch {
    return undefined;
  }
}

/** A path or value with a tab or a line break cannot be stored on one line; such a run is simply never cached. */
const UNSTORABLE = /[\t\n\r]/;

export class RunIndex {
  private lines = new Map<string, string>();
  private readonly vouchedLines = new Set<string>();
  private dirty = false;

  private constructor(private readonly file: string | null) {}

  static open(gitDir: string | null): RunIndex {
    const index = new RunIndex(gitDir ? join(gitDir, 'runlog', 'run-index.tsv') : null);
    if (!index.file) return index;
    try {
      const text = readFileSync(index.file, 'utf8');
      // A file cut short (a crash before the data reached the disk) lacks its trailer and is ignored whole.
      const trailer = text.lastIndexOf('\nend ', text.length - 2);
      if (!text.startsWith(`${HEADER}\n`) || trailer === -1 || !text.endsWith('\n')) return index;
      const lines = new Map<string, string>();
      for (let at = HEADER.length + 1; at < trailer + 1; ) {
        const end = text.indexOf('\n', at);
        const line = text.slice(at, end);
        at = end + 1;
        const tab = line.indexOf('\t');
        if (tab > 0) lines.set(line.slice(0, tab), line);
      }
      if (Number(text.slice(trailer + 5, -1)) === lines.size) index.lines = lines;
    } catch {
      // no index yet, or an unreadable one: it is rebuilt as files are read
    }
    return index;
  }

  /** The entry for `path` while its key is unchanged; a damaged line counts as none. */
  get(path: string, key: string): IndexEntry | undefined {
    const line = this.lines.get(path);
    return line !== undefined && keyed(line, path, key) ? decodeLine(line) : undefined;
  }

  /**
   * Note that `path`'s file has `key` now (git said so); true when its line
   * holds that key, so that `vouched(path)` answers without a key. Marks are
   * the lines themselves: no string per run is kept.
   */
  vouch(path: string, key: string): boolean {
    const line = this.lines.get(path);
    if (line === undefined || !keyed(line, path, key)) return false;
    this.vouchedLines.add(line);
    return true;
  }

  /** The entry and key of a line `vouch` marked. */
  vouched(path: string): { e: IndexEntry; key: string } | undefined {
    const line = this.lines.get(path);
    if (line === undefined || !this.vouchedLines.has(line)) return undefined;
    const e = decodeLine(line);
    return e && { e, key: line.slice(path.length + 1, line.indexOf('\t', path.length + 1)) };
  }

  set(path: string, key: string, e: IndexEntry): void {
    const f = fields(path, key, e);
    if (f.some((x) => UNSTORABLE.test(x))) return;
    this.lines.set(path, f.join('\t'));
    this.dirty = true;
  }

  /** Write back, keeping only paths that are `live` (a listing of the whole ledger knows every file); never throws. */
  save(live: (path: string) => boolean): void {
    for (const p of this.lines.keys()) {
      if (!live(p)) {
        this.lines.delete(p);
        this.dirty = true;
      }
    }
    if (!this.dirty || !this.file) return;
    try {
      // No fsync: a torn or lost index is rebuilt, never trusted (the header and each key say so).
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      // Written in batches: at 100,000 runs the index is ~12 MB, not worth holding twice.
      const fd = openSync(tmp, 'w');
      try {
        let batch = `${HEADER}\n`;
        for (const line of this.lines.values()) {
          batch += `${line}\n`;
          if (batch.length >= 1 << 16) {
            writeSync(fd, batch);
            batch = '';
          }
        }
        writeSync(fd, `${batch}end ${this.lines.size}\n`);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
    } catch {
      // a read-only checkout still reads correctly, only slower
    }
  }
}
