/**
 * Start-up for the hot commands: each runs from its own CommonJS bundle of
 * the fast entry (220 KB for `show` and `list`, 1.4 MB for `append`) through
 * `vm.Script` with V8's code cache, so a command does not compile the same
 * JavaScript again on every start. Per command rather than one bundle of
 * all: the cache a command reads grows with its bundle (`show` ran 663 M
 * instructions from one 1.5 MB bundle, 597 M from its own, `node -e 0` 505 M).
 *
 * Measured on the 2-core machine (CPU time per command, `perf stat -r 10`,
 * `node -e 0` = 62–70 ms in the same runs): `list` in a one-run ledger took
 * 114 ms as ESM chunks, 108 ms as one CommonJS bundle, 85 ms with this code
 * cache; `show` 130 / 114 / 84–94 ms; `append` 173 / 179 / 138 ms. A V8
 * startup snapshot (`node --snapshot-blob … --build-snapshot`, Node 20) of the
 * same bundle, even with the commands' modules pre-initialised in it, took
 * 96–104 ms for `list` when node is started with the blob directly, and a bin
 * script cannot start node with it without a second process (+60 ms): the
 * code cache wins.
 *
 * One cache file per command (each holds the functions that command
 * compiled), in the user's cache dir. Its name carries the node version, the
 * architecture and the bundle's content hash, so a rebuilt bundle or another
 * node never reads it; V8 itself refuses data from another V8 version, other
 * flags, a source of another length or a truncated payload, and then the
 * command compiles as usual. It is written atomically (no torn file), after
 * the command has finished, only when missing or refused; deleting it costs
 * one slower start. No checksum of our own: hashing needs node:crypto, whose
 * streams cost ~23 M instructions (~4% of `show`) on every start.
 */
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Script } from 'node:vm';

/** First line of a bundle built for the code cache: `// runlog-bundle <content hash>`. */
export const BUNDLE_TAG = '// runlog-bundle ';

export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'runlog', 'v8');
}

export interface CachedModule<T> {
  exports: T;
  /** Store the code compiled so far when the cache was missing or refused; never throws. */
  save(): void;
}

/**
 * Run the CommonJS bundle `file` with the code cache kept under `cacheName`.
 * A missing, refused or damaged cache only means a normal compile.
 */
export function loadCached<T>(file: string, cacheName: string, dir = codeCacheDir()): CachedModule<T> {
  setFlagsFromString('--verify-snapshot-checksum');
  const source = readFileSync(file, 'utf8');
  const tag = source.startsWith(BUNDLE_TAG) ? source.slice(BUNDLE_TAG.length, source.indexOf('\n')).trim() : null;
  // The bundle's mtime too: V8 checks only the source's length, and a hand-edited bundle keeps its hash line.
  const cacheFile = tag
    ? join(dir, `${process.version}-${process.arch}-${tag}-${Math.trunc(statSync(file).mtimeMs)}-${cacheName}.bin`)
    : null;
  const cached = cacheFile ? readOrNothing(cacheFile) : undefined;
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const mod = { exports: {} as T };
  script.runInThisContext()(mod.exports, createRequire(file), mod, file, dirname(file));
  return {
    exports: mod.exports,
    save() {
      if (!cacheFile || (cached && !script.cachedDataRejected)) return;
      try {
        const data = script.createCachedData();
        mkdirSync(dir, { recursive: true });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, data);
        renameSync(tmp, cacheFile);
        pruneStale(dir, cacheName, cacheFile);
      } catch {
        // a read-only or full cache dir: the next start compiles again
      }
    },
  };
}

/**
 * Every rebuild or upgrade names a new cache file (~0.3-1 MB), so old ones would pile up for ever
 * (215 files, 124 MB in one day of development). When a command writes its cache, its own older
 * files go: all but the KEEP newest, and any not rewritten for MAX_AGE_MS. Two builds used in turn
 * (a comparison benchmark) keep both of theirs.
 */
const KEEP = 4;
const MAX_AGE_MS = 14 * 24 * 3600 * 1000;

function pruneStale(dir: string, cacheName: string, current: string): void {
  const now = Date.now();
  const mine = readdirSync(dir)
    .filter((n) => n.endsWith(`-${cacheName}.bin`) && join(dir, n) !== current)
    .map((n) => ({ path: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const [i, f] of mine.entries()) if (i >= KEEP - 1 || now - f.mtime > MAX_AGE_MS) unlinkSync(f.path);
}

function readOrNothing(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}
