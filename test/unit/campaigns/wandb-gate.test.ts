import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wandbGate } from '../../../src/wandb/gate.js';

const base = mkdtempSync(join(tmpdir(), 'runlog-gate-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function run(dir: string, ageMs: number): void {
  const files = join(dir, 'wandb', 'offline-run-20260501_100000-abc123', 'files');
  mkdirSync(files, { recursive: true });
  writeFileSync(join(files, 'wandb-metadata.json'), '{}');
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(join(files, 'wandb-metadata.json'), t, t);
}

describe('strict W&B gate', () => {
  it('fails without a W&B run, passes with one written until the end, fails when its files went stale', () => {
    const none = join(base, 'none');
    mkdirSync(none);
    expect(wandbGate(none, { heartbeatMs: 60_000, endedAtMs: Date.now() })).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/no W&B run/),
    });
    const live = join(base, 'live');
    run(live, 1_000);
    expect(wandbGate(live, { heartbeatMs: 60_000, endedAtMs: Date.now() }).passed).toBe(true);
    const stale = join(base, 'stale');
    run(stale, 600_000);
    expect(wandbGate(stale, { heartbeatMs: 60_000, endedAtMs: Date.now() })).toMatchObject({
      passed: false,
      reason: expect.stringMatching(/stopped advancing/),
    });
    expect(
      wandbGate(none, { heartbeatMs: 60_000, endedAtMs: Date.now(), syncedUrl: 'https://wandb.ai/e/p/runs/x' }).passed,
    ).toBe(true);
  });
});
