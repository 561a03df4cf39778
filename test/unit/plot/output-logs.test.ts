/**
 * Which output logs a chart reads: only a regular file inside the attempt's
 * own directory, whatever a (shared, possibly hostile) Job block names.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outputLogReadings, readConfined } from '../../../src/plot/output-logs.js';

const base = mkdtempSync(join(tmpdir(), 'runlog-plot-logs-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
const attempt = (n: number) => join(base, 'outputs', 'g', 'run', `attempt-${n}`);
mkdirSync(attempt(1), { recursive: true });
mkdirSync(attempt(2), { recursive: true });
writeFileSync(join(attempt(1), 'output.log'), 'step=10 loss=2.0\nstep=20 loss=1.5\n');
writeFileSync(join(base, 'secret.log'), 'step=1 loss=42\n');
symlinkSync(join(base, 'secret.log'), join(attempt(2), 'output.log'));
execFileSync('mkfifo', [join(attempt(2), 'fifo.log')]);

const job = (n: number, log: string) => ({
  heading: n === 1 ? 'Job' : 'Job (resumed)',
  line: 1,
  fields: { attempt: String(n), output_log: `\`${log}\`` },
});

describe('output logs a chart reads', () => {
  it("reads the attempt's own log, by its file name only", () => {
    const r = outputLogReadings({ jobs: [job(1, '/anywhere/else/output.log')] }, attempt);
    expect(r).toEqual([
      {
        attempt: 1,
        train: [
          [10, 2],
          [20, 1.5],
        ],
        val: [],
        throughput: {},
      },
    ]);
  });

  it('refuses a symlink out of the attempt directory, a FIFO (without blocking), and a path that climbs out', () => {
    expect(readConfined(attempt(2), 'output.log')).toBeNull();
    expect(readConfined(attempt(2), 'fifo.log')).toBeNull();
    expect(readConfined(attempt(1), '../../../../secret.log')).toBeNull();
    expect(
      outputLogReadings({ jobs: [job(1, 'output.log'), job(2, 'output.log'), job(2, 'fifo.log')] }, attempt).map(
        (r) => r.attempt,
      ),
    ).toEqual([1]);
  });

  it('reads only the tail of a long log, from a whole line', () => {
    writeFileSync(join(attempt(1), 'long.log'), 'step=1 loss=9\nstep=2 loss=8\nstep=3 loss=7\n');
    expect(readConfined(attempt(1), 'long.log', 20)).toBe('step=3 loss=7\n');
  });
});
