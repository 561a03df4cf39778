// The hot commands start from V8's code cache; a damaged, empty or missing cache changes nothing but speed.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLedger, newRun, runlog, type TempLedger } from '../support/ledger.js';

describe('code cache of the fast entry', () => {
  let l: TempLedger;
  let cacheHome: string;
  let id: string;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-code-cache-' });
    id = await newRun(l.main, 'cached');
    cacheHome = mkdtempSync(join(tmpdir(), 'runlog-xdg-cache-'));
  });
  afterAll(() => {
    l.cleanup();
    rmSync(cacheHome, { recursive: true, force: true });
  });
  const show = () => runlog(l.main, ['show', id, '--json'], { env: { XDG_CACHE_HOME: cacheHome } });
  const files = () => readdirSync(join(cacheHome, 'runlog', 'v8')).map((f) => join(cacheHome, 'runlog', 'v8', f));

  it('is written once per command, reused, and a damaged, truncated or empty one is refused and replaced', async () => {
    const first = await show();
    expect(first.code).toBe(0);
    const [cache] = files();
    expect(files()).toHaveLength(1);
    expect(cache).toMatch(/-show\.bin$/);
    const ino = statSync(cache!).ino;
    expect((await show()).stdout).toBe(first.stdout);
    expect(statSync(cache!).ino).toBe(ino);

    const good = readFileSync(cache!);
    const flipped = Buffer.from(good);
    for (let i = 64; i < flipped.length; i += 997) flipped[i] ^= 0x5a;
    for (const damaged of [flipped, good.subarray(0, good.length >> 1), Buffer.alloc(0)]) {
      writeFileSync(cache!, damaged);
      const r = await show();
      expect([r.code, r.signal, r.stdout]).toEqual([0, null, first.stdout]);
      expect(readFileSync(cache!).equals(damaged)).toBe(false);
    }

    rmSync(join(cacheHome, 'runlog'), { recursive: true });
    expect((await show()).stdout).toBe(first.stdout);
    expect(files()).toHaveLength(1);
  });
});
