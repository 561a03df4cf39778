/** `runlog lint` through the built CLI: JSON shape, file:line output, exit 1 only on errors. */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { LintOutput } from '../../src/schemas/output.js';
import { makeLedger, runLog, type TestLedger } from '../support/artifacts.js';

let L: TestLedger;
beforeEach(async () => {
  L = await makeLedger();
});
afterEach(async () => L.cleanup());

it('reports findings with file:line, exits 1 on errors and 0 on warnings only', async () => {
  await L.cli([
    'new',
    'train',
    '--type',
    'experiment',
    '--objective',
    'baseline',
    '--group',
    'g',
    '--date',
    '2026-03-11',
  ]);
  const clean = await L.cli(['lint', '--json']);
  expect(clean.code, clean.stdout).toBe(0);
  expect(LintOutput.parse(clean.json())).toMatchObject({ files: 1, errors: 0 });

  await L.commitFile(
    'run_logs/g/2026-03-12_train.md',
    runLog({ outputRoot: '/out' }).replace('- run_type: experiment\n', ''),
  );
  const bad = await L.cli(['lint']);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toContain('run_logs/g/2026-03-12_train.md:3: error: no run_type');
  expect(bad.stdout).toMatch(
    /run_logs\/g\/2026-03-12_train.md:\d+: error: completed run without `- checkpoint: <path>`.*\[results-without-checkpoint\]/,
  );
  const json = LintOutput.parse((await L.cli(['lint', '2026-03-12_train', '--json'])).json());
  expect(json.findings.map((f) => f.rule).sort()).toEqual(['missing-run-type', 'results-without-checkpoint']);

  await L.commitFile(
    'runlog.config.yaml',
    'schema_version: 1\nremote: origin\nlint:\n  rules:\n    missing-run-type: warning\n    results-without-checkpoint: off\n',
  );
  const relaxed = await L.cli(['lint', '2026-03-12_train', '--json']);
  expect(relaxed.code).toBe(0);
  expect(LintOutput.parse(relaxed.json())).toMatchObject({ errors: 0, warnings: 1 });
});
