// The quick benchmark job: small sizes, ratios against floors measured in the same run (alternated
// pairs, medians), compared with bench/baseline.json. Fails when a ratio is more than 25% above its
// baseline. A ratio over budget is measured once more before it counts: one burst of load from a
// neighbour should not fail the job.
//   npm run bench:ci                      check
//   npm run bench:ci -- --write-baseline  measure and store the baseline (do it on a quiet machine)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib.mjs';

const TOLERANCE = 1.25;
const JOBS = [
  { script: 'append.mjs', env: { N: '9' } },
  { script: 'show.mjs', env: { ENTRIES: '2000', N: '9' } },
  { script: 'list.mjs', env: { RUNS: '2000', MODE: 'warm', N: '9' } },
  { script: 'list.mjs', env: { RUNS: '2000', MODE: 'cold', N: '7' } },
];
const baselineFile = join(ROOT, 'bench', 'baseline.json');
const write = process.argv.includes('--write-baseline');

const measure = (job) => {
  const out = execFileSync('node', [join(ROOT, 'bench', job.script)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...job.env },
  });
  return JSON.parse(
    out
      .split('\n')
      .find((l) => l.startsWith('BENCH '))
      .slice(6),
  );
};

const baseline = write ? {} : JSON.parse(readFileSync(baselineFile, 'utf8')).ratios;
const ratios = {};
let failed = 0;
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
for (const job of JOBS) {
  let r = measure(job);
  const limit = baseline[r.name] === undefined ? Infinity : baseline[r.name] * TOLERANCE;
  if (!write && r.ratio > limit) r = measure(job);
  ratios[r.name] = r.ratio;
  const ok = write || r.ratio <= limit;
  if (!ok) failed++;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${r.name}: ${r.ratio}x${write ? '' : ` (baseline ${baseline[r.name] ?? '-'}x, limit ${limit.toFixed(2)}x)`}`,
  );
}
if (write) {
  writeFileSync(
    baselineFile,
    `${JSON.stringify({ measured: new Date().toISOString().slice(0, 10), load: Number(loadavg()[0].toFixed(1)), ratios }, null, 2)}\n`,
  );
  console.log(`wrote ${baselineFile}`);
}
console.log(`bench: ${JOBS.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
