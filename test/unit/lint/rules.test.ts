/** Each lint rule fires on the mistake it names and stays quiet on a well-kept ledger. */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../../src/git/ledger-repo.js';
import { lintLedger } from '../../../src/lint/lint.js';

const GOOD = `# train — baseline

## Mode
- run_type: experiment
- objective: check the baseline

## Job
- execution_id: 1234
- submitted/start: \`2026-03-11T15:00:00Z\`
- start_human: \`Wednesday, Mar 11th, 2026\`

## Status
- 2026-03-11 15:00 UTC — running, step 10, train_loss 2.5
- 2026-03-12 14:30 UTC — completed, step 1000 — exit code 0

## Results
- final step: 1000
- checkpoint: \`out/checkpoints/1000\`

## W&B
- local: \`wandb/offline-run-20260311_150000-abc123\`
- synced: \`https://wandb.ai/a/b/runs/abc123\`

## Next
- decide on a longer run
`;
const EXPERIMENTS =
  '# Experiments\n\n| run | description | val_loss | status | notes |\n|-----|-------------|----------|--------|-------|\n| 2026-03-11_train | baseline | | completed | |\n';
const FRONT =
  '---\nschema_version: 1\nid: g/2026-03-11_train\nstate: completed\nrun_type: experiment\nattempt: 1\n---\n';

let dir: string;
const put = async (rel: string, text: string) => {
  await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await writeFile(path.join(dir, rel), text);
};
const lint = (refs: string[] = []) => lintLedger(openLedger({ ledger: dir }), refs);
const rules = (refs: string[] = []) => lint(refs).findings.map((f) => f.rule);

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runlog-lint-'));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir });
  await put('runlog.config.yaml', 'schema_version: 1\n');
  await put('run_logs/g/timeline.md', '# G Timeline\n\n1. `2026-03-11_train.md` — Wednesday, Mar 11th\n');
  await put('run_logs/g/experiments.md', EXPERIMENTS);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('lint', () => {
  it('finds nothing in a well-kept ledger (with and without front matter)', async () => {
    await put('run_logs/g/2026-03-11_train.md', GOOD);
    expect(lint().findings).toEqual([]);
    await put('run_logs/g/2026-03-11_train.md', FRONT + GOOD);
    expect(lint().findings).toEqual([]);
  });

  const cases: [string, string, () => Promise<void>][] = [
    [
      'status-without-progress',
      'run_logs/g/2026-03-11_train.md:14',
      () =>
        put(
          'run_logs/g/2026-03-11_train.md',
          GOOD.replace('- 2026-03-12 14:30', '- 2026-03-11 16:00 UTC — running, all looks fine\n- 2026-03-12 14:30'),
        ),
    ],
    [
      'results-without-checkpoint',
      'run_logs/g/2026-03-11_train.md:16',
      () => put('run_logs/g/2026-03-11_train.md', GOOD.replace(/- checkpoint: .*\n/, '')),
    ],
    [
      'missing-run-type',
      'run_logs/g/2026-03-11_train.md:3',
      () => put('run_logs/g/2026-03-11_train.md', GOOD.replace('- run_type: experiment\n', '')),
    ],
    [
      'experiment-not-in-summary',
      'run_logs/g/2026-03-11_train.md:4',
      async () => {
        await put('run_logs/g/2026-03-11_train.md', GOOD);
        await put('run_logs/g/experiments.md', EXPERIMENTS.replace(/\| 2026-03-11_train .*\n/, ''));
      },
    ],
    [
      'wandb-url-only-in-section',
      'run_logs/g/2026-03-11_train.md:23',
      () =>
        put(
          'run_logs/g/2026-03-11_train.md',
          GOOD.replace('## Status', '## Job (resumed)\n- execution_id: 1235\n\n## Status'),
        ),
    ],
    [
      'wandb-not-synced',
      'run_logs/g/2026-03-11_train.md:20',
      () => put('run_logs/g/2026-03-11_train.md', GOOD.replace(/- synced: .*/, '- synced: pending')),
    ],
    [
      'file-naming',
      'run_logs/g/train_2026-03-11.md:1',
      async () => {
        await put('run_logs/g/train_2026-03-11.md', GOOD);
        await put('run_logs/g/experiments.md', EXPERIMENTS.replace('2026-03-11_train', 'train_2026-03-11'));
      },
    ],
    [
      'iso-only-dates',
      'run_logs/g/2026-03-11_train.md:9',
      () => put('run_logs/g/2026-03-11_train.md', GOOD.replace(/- start_human: .*\n/, '')),
    ],
    [
      'missing-timeline',
      'run_logs/g/timeline.md',
      async () => {
        await put('run_logs/g/2026-03-11_train.md', GOOD);
        await rm(path.join(dir, 'run_logs/g/timeline.md'));
      },
    ],
    [
      'published-without-passport',
      'run_logs/g/2026-03-11_train.md:24',
      () =>
        put(
          'run_logs/g/2026-03-11_train.md',
          GOOD.replace(
            '## Next',
            '## HuggingFace\n- repo: https://huggingface.co/a/b\n- includes: README, TRAINING_LOG\n\n## Next',
          ),
        ),
    ],
    [
      'next-eval-before-passport',
      'run_logs/g/2026-03-11_train.md:26',
      () => put('run_logs/g/2026-03-11_train.md', `${GOOD}- eval this checkpoint on the benchmark\n`),
    ],
    [
      'front-matter-mismatch',
      'run_logs/g/2026-03-11_train.md:4',
      () => put('run_logs/g/2026-03-11_train.md', FRONT.replace('state: completed', 'state: running') + GOOD),
    ],
  ];
  it.each(cases)('%s fires, with file:line', async (rule, where, setup) => {
    await setup();
    const report = lint();
    expect(report.findings.map((f) => f.rule)).toEqual([rule]);
    const f = report.findings[0]!;
    expect(f.line > 0 ? `${f.file}:${f.line}` : f.file).toBe(where);
    expect(f.message.length).toBeGreaterThan(20);
  });

  it('published-without-passport is quiet when the package records passport, signoff and verdict', async () => {
    await put(
      'run_logs/g/2026-03-11_train.md',
      GOOD.replace(
        '## Next',
        '## HuggingFace\n- includes: README, TRAINING_LOG, MODEL_PASSPORT.json, SIGNOFF.json\n- signoff verdict: `pass`\n\n## Next',
      ),
    );
    expect(rules()).toEqual([]);
  });

  it('published-without-passport fires when the local checkpoint lacks the files even if the section claims them', async () => {
    await put('out/checkpoints/1000/metadata.json', '{}');
    await put(
      'run_logs/g/2026-03-11_train.md',
      GOOD.replace(
        '## Next',
        '## HuggingFace\n- includes: MODEL_PASSPORT.json, SIGNOFF.json\n- signoff verdict: `pass`\n\n## Next',
      ),
    );
    expect(rules()).toEqual(['published-without-passport']);
  });

  it('next-eval-before-passport is quiet once the signoff is recorded, and on the passport gate itself', async () => {
    await put(
      'run_logs/g/2026-03-11_train.md',
      `${GOOD.replace('- checkpoint:', '- signoff: `pass`\n- checkpoint:')}- eval this checkpoint\n`,
    );
    expect(rules()).toEqual([]);
    await put(
      'run_logs/g/2026-03-11_train.md',
      `${GOOD}- before eval or upload: generate \`MODEL_PASSPORT.json\` + \`SIGNOFF.json\` first\n`,
    );
    expect(rules()).toEqual([]);
  });

  it('wandb-url-only-in-section is quiet when the Job blocks carry their URLs', async () => {
    await put(
      'run_logs/g/2026-03-11_train.md',
      GOOD.replace(
        '## Status',
        '## Job (resumed)\n- execution_id: 1235\n- wandb_synced: `https://wandb.ai/a/b/runs/abc123`\n\n## Status',
      ),
    );
    expect(rules()).toEqual([]);
  });

  it('flat-run-logs fires past 10 run logs directly in run_logs/, not at 10', async () => {
    await rm(path.join(dir, 'run_logs/g'), { recursive: true });
    await put('run_logs/timeline.md', '# Timeline\n');
    const pipeline = GOOD.replace('run_type: experiment', 'run_type: pipeline (data)');
    for (let i = 1; i <= 10; i++) await put(`run_logs/2026-03-${String(i).padStart(2, '0')}_prep.md`, pipeline);
    expect(rules()).toEqual([]);
    await put('run_logs/2026-03-11_prep.md', pipeline);
    const r = lint();
    expect(r.findings.map((f) => [f.rule, f.file, f.line])).toEqual([['flat-run-logs', 'run_logs', 0]]);
  });

  it('severities come from runlog.config.yaml; off silences a rule; errors are counted', async () => {
    await put(
      'run_logs/g/2026-03-11_train.md',
      GOOD.replace(/- checkpoint: .*\n/, '').replace(/- start_human: .*\n/, ''),
    );
    expect(lint()).toMatchObject({ errors: 1, warnings: 1 });
    await put(
      'runlog.config.yaml',
      'schema_version: 1\nlint:\n  rules:\n    results-without-checkpoint: off\n    iso-only-dates: error\n',
    );
    expect(lint()).toMatchObject({ errors: 1, warnings: 0, findings: [{ rule: 'iso-only-dates', severity: 'error' }] });
    await put('runlog.config.yaml', 'schema_version: 1\nlint:\n  rules:\n    no-such-rule: off\n');
    expect(() => lint()).toThrow(/unknown rule/);
  });

  it('lints only the named runs', async () => {
    await put('run_logs/g/2026-03-11_train.md', GOOD);
    await put('run_logs/g/2026-03-12_train.md', GOOD.replace('- run_type: experiment\n', ''));
    await put('run_logs/g/experiments.md', `${EXPERIMENTS}| 2026-03-12_train | x | | | |\n`);
    expect(rules(['2026-03-11_train'])).toEqual([]);
    expect(rules()).toEqual(['missing-run-type']);
  });
});
