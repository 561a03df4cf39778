// An exact id resolves without listing the ledger, to exactly what the listing would have found.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listRunFiles, resolveRun } from '../../../src/ledger/read/runs.js';

const root = mkdtempSync(join(tmpdir(), 'runlog-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const put = (rel: string) => {
  mkdirSync(join(root, 'run_logs', rel, '..'), { recursive: true });
  writeFileSync(join(root, 'run_logs', rel), '# run\n\n## Status\n');
};
put('a/2026-01-01_x.md');
put('a/b/2026-01-02_y.md');
put('.hidden/2026-01-03_z.md');
put('a/notes.md');
put('2026-01-04_top.md');
symlinkSync(join(root, 'run_logs', 'a'), join(root, 'run_logs', 'link'));

const outcome = (ref: string) => {
  try {
    return resolveRun(root, 'run_logs', ref, root).id;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('resolveRun by exact id', () => {
  it('agrees with the listing for every kind of path', () => {
    const listed = listRunFiles(root, 'run_logs').map((r) => r.id);
    expect(listed).toEqual(['2026-01-04_top', 'a/2026-01-01_x', 'a/b/2026-01-02_y']);
    for (const id of listed) expect(outcome(id)).toBe(id);
    // not listed, so not found by id: under a dot folder, through a symlinked folder, not a run log's name
    expect(outcome('.hidden/2026-01-03_z')).toBe('RUN_NOT_FOUND');
    expect(outcome('link/2026-01-01_x')).toBe('RUN_NOT_FOUND');
    expect(outcome('a/notes')).toBe('RUN_NOT_FOUND');
    expect(outcome('run_logs/a/b/2026-01-02_y')).toBe('a/b/2026-01-02_y');
    expect(outcome('2026-01-02_y')).toBe('a/b/2026-01-02_y');
  });
});
