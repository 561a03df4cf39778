// The fast entry's code cache: named so it is never read by another node or bundle, never needed for correctness.
// (V8 reuses a script compiled earlier in the same process, so refusal of damaged data is tested through the CLI: test/e2e/code-cache.test.ts.)
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE_TAG, codeCacheDir, loadCached } from '../../../src/cli/code-cache.js';
import { FAST_COMMANDS } from '../../../src/cli/fast-commands.js';
import { FAST } from '../../../src/cli/fast.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function bundle(
  hash: string,
  body = 'exports.twice = (n) => n * 2; exports.here = __dirname;',
): { file: string; cache: string } {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-code-cache-'));
  dirs.push(dir);
  const file = join(dir, 'fast.cjs');
  writeFileSync(file, `${BUNDLE_TAG}${hash}\n${body}\n`);
  return { file, cache: join(dir, 'cache') };
}

const only = (dir: string) => readdirSync(dir).map((f) => join(dir, f));

describe('code cache', () => {
  it('runs the bundle as CommonJS, writes one cache file named by node, arch, bundle hash and command, and reuses it', () => {
    const { file, cache } = bundle('abc123');
    const first = loadCached<{ twice(n: number): number; here: string }>(file, 'show', cache);
    expect(first.exports.twice(21)).toBe(42);
    expect(first.exports.here).toBe(join(file, '..'));
    first.save();
    const [written] = only(cache);
    expect(written).toMatch(new RegExp(`${process.version}-${process.arch}-abc123-\\d+-show\\.bin$`));
    const before = statSync(written!);
    const second = loadCached<{ twice(n: number): number }>(file, 'show', cache);
    expect(second.exports.twice(2)).toBe(4);
    second.save();
    const after = statSync(written!);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a bundle without a hash line, or a cache dir that cannot be written, runs without a cache', () => {
    const { file, cache } = bundle('x');
    writeFileSync(file, 'exports.ok = true;\n');
    const untagged = loadCached<{ ok: boolean }>(file, 'show', cache);
    untagged.save();
    expect(untagged.exports.ok).toBe(true);
    expect(() => readdirSync(cache)).toThrow();
    const { file: tagged, cache: parent } = bundle('y');
    writeFileSync(parent, 'a file where the cache dir should be');
    chmodSync(parent, 0o400);
    const m = loadCached<{ twice(n: number): number }>(tagged, 'show', join(parent, 'v8'));
    expect(() => m.save()).not.toThrow();
    expect(m.exports.twice(1)).toBe(2);
  });

  it("writing a cache removes the command's old ones (all but the newest few, none older than two weeks), never another command's", () => {
    const { file, cache } = bundle('new1');
    mkdirSync(cache, { recursive: true });
    const day = 24 * 3600;
    const old = (name: string, daysAgo: number) => {
      writeFileSync(join(cache, name), 'x');
      const t = Date.now() / 1000 - daysAgo * day;
      utimesSync(join(cache, name), t, t);
    };
    for (let i = 1; i <= 5; i++) old(`v20-x64-old${i}-1-show.bin`, i);
    old('v20-x64-older-1-show.bin', 20);
    old('v20-x64-any-1-list.bin', 30);
    old('v20-x64-any-1-campaign:status.bin', 30);
    const m = loadCached<{ twice(n: number): number }>(file, 'show', cache);
    m.save();
    const left = readdirSync(cache).sort();
    expect(left.filter((n) => n.endsWith('-show.bin') && !n.includes('new1'))).toEqual([
      'v20-x64-old1-1-show.bin',
      'v20-x64-old2-1-show.bin',
      'v20-x64-old3-1-show.bin',
    ]);
    expect(left.filter((n) => n.includes('new1'))).toHaveLength(1);
    expect(left).toContain('v20-x64-any-1-list.bin');
    expect(left).toContain('v20-x64-any-1-campaign:status.bin');
  });

  it('lives under XDG_CACHE_HOME when set, else ~/.cache', () => {
    expect(codeCacheDir({ XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/runlog/v8');
    expect(codeCacheDir({})).toMatch(/\.cache\/runlog\/v8$/);
  });

  it('boot sends exactly the fast entry’s commands to it', () => {
    expect([...FAST_COMMANDS].sort()).toEqual(Object.keys(FAST).sort());
  });
});
