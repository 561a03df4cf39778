/** A 1 GiB weight file hashes through a fixed-size stream: memory stays flat whatever the file size. */
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sha256File } from '../../src/core/hash.js';
import { buildWeightManifest } from '../../src/publish/passport.js';

const GiB = 1024 ** 3;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runlog-hash-'));
  await writeFile(path.join(dir, 'model.safetensors'), '');
  await truncate(path.join(dir, 'model.safetensors'), GiB);
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

it('hashes a 1 GiB sparse file with flat memory', async () => {
  // sha256 of 1 GiB of zero bytes, from `head -c 1073741824 /dev/zero | sha256sum`.
  const expected = '49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14';
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    expect(await sha256File(path.join(dir, 'model.safetensors'))).toBe(expected);
    const manifest = await buildWeightManifest(dir);
    expect(manifest).toEqual([{ path: 'model.safetensors', sha256: expected, size_bytes: GiB }]);
  } finally {
    clearInterval(timer);
  }
  // Reading the file whole would add 1 GiB; the stream's chunks are 1 MiB.
  expect(peak - before).toBeLessThan(128 * 1024 ** 2);
}, 120_000);
