// Many files written at once: every one lands whole, in batches larger than one, and a failure leaves no temp file behind.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { atomicWriteMany } from '../../../src/core/fs.js';

const base = mkdtempSync(join(tmpdir(), 'runlog-write-many-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('atomicWriteMany', () => {
  it('writes 600 files (three batches), replacing old bytes, and leaves no temp file', async () => {
    const dir = join(base, 'ok');
    mkdirSync(dir);
    writeFileSync(join(dir, 'f0.md'), 'old');
    await atomicWriteMany(
      Array.from({ length: 600 }, (_, i) => ({ path: join(dir, `f${i}.md`), content: `file ${i}\n` })),
    );
    const names = readdirSync(dir);
    expect(names).toHaveLength(600);
    expect(names.some((n) => n.endsWith('.tmp'))).toBe(false);
    expect(readFileSync(join(dir, 'f0.md'), 'utf8')).toBe('file 0\n');
    expect(readFileSync(join(dir, 'f599.md'), 'utf8')).toBe('file 599\n');
  });

  it('a file that cannot be written fails the batch before any rename: nothing changed, no temp file left', async () => {
    const dir = join(base, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.md'), 'old');
    const writes = [
      { path: join(dir, 'a.md'), content: 'new' },
      { path: join(dir, 'missing-folder', 'b.md'), content: 'x' },
    ];
    await expect(atomicWriteMany(writes)).rejects.toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['a.md']);
    expect(readFileSync(join(dir, 'a.md'), 'utf8')).toBe('old');
  });
});
