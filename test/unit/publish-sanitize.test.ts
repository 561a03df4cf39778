import { describe, expect, it } from 'vitest';
import { RunLogDoc } from '../../src/markdown/runlog.js';
import { Sanitizer, readSanitizeConfig } from '../../src/publish/sanitize.js';
import { literalsOf, lossTable, renderTrainingLog } from '../../src/publish/training-log.js';

const s = (literals = {}) => new Sanitizer(readSanitizeConfig({}), [], literals);

describe('sanitizer rules', () => {
  it.each([
    ['slurm job id', 'submitted job 4242424 to the queue', 'submitted job <job id> to the queue', 'slurm_job_id'],
    ['execution id field', '- execution_id: 4242424', '- execution_id: <job id>', 'slurm_job_id'],
    ['slurm output file', 'see slurm-4242424.out', 'see slurm-<job id>.out', 'slurm_job_id'],
    ['node name', 'running on nid001234', 'running on <node>', 'node_name'],
    ['node list', '- node: gpu-a100-07', '- node: <node>', 'node_name'],
    [
      'scratch path keeps the file name',
      'data at /scratch/alice/data/shards.parquet',
      'data at <path>/shards.parquet',
      'cluster_path',
    ],
    ['user dir dropped whole', 'cd /home/alice/', 'cd <path>', 'cluster_path'],
    [
      'local W&B dir',
      '- local: `wandb/offline-run-20260311_150000-abc123`',
      '- local: <local W&B dir>',
      'wandb_local_dir',
    ],
    ['user@host', 'ssh alice@login.cluster.example.org', 'ssh <user@host>', 'user_at_host'],
    ['secret', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789AB', 'token [REDACTED:github]', 'secret_github'],
  ])('%s', (_name, input, output, rule) => {
    const r = s().sanitize(input);
    expect(r.text).toBe(output);
    expect(r.removed.map((x) => x.rule)).toContain(rule);
    expect(s().leaks(r.text)).toEqual([]);
  });

  it('drops lines that mention wandb_id.txt and counts them', () => {
    const r = s().sanitize('keep\nresume id in wandb_id.txt\nkeep too');
    expect(r.text).toBe('keep\nkeep too');
    expect(r.removed).toEqual([{ rule: 'wandb_id_file', count: 1 }]);
  });

  it('leaves what a public log keeps', () => {
    const text = [
      '- config: `configs/base.yaml`',
      '- synced: https://wandb.ai/team/project/runs/abc123',
      '| 1000 | Thursday, Mar 12th, 2026 09:00 UTC | 0.4 | 1.4 |',
      '- lr 3e-4 / 5e-4, trained on 8 A100 GPUs',
      '- repo: https://github.com/acme/train',
      '- `MODEL_PASSPORT.json` sha256: `49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14`',
    ].join('\n');
    const r = s({ jobIds: ['4242424'], nodes: ['nid001234'] }).sanitize(text);
    expect(r.text).toBe(text);
    expect(r.removed).toEqual([]);
  });

  it('removes the job ids and nodes the run log names wherever they appear', () => {
    const r = s({ jobIds: ['98765'], nodes: ['gpunode'] }).sanitize('98765 RUNNING, host gpunode');
    expect(r.text).toBe('<job id> RUNNING, host <node>');
  });

  it('applies ledger rules and switches off disabled defaults', () => {
    const cfg = readSanitizeConfig({
      publish: { sanitize: { rules: [{ id: 'project_code', pattern: 'PRJ-\\d+' }], disable: ['user_at_host'] } },
    });
    const r = new Sanitizer(cfg).sanitize('PRJ-1234 by bob@example.org');
    expect(r.text).toBe('<project_code> by bob@example.org');
    expect(r.removed).toEqual([{ rule: 'project_code', count: 1 }]);
  });

  it('rejects a bad ledger rule with a usage error', () => {
    expect(() => readSanitizeConfig({ publish: { sanitize: { rules: [{ id: 'Bad Id', pattern: 'x' }] } } })).toThrow(
      /publish\.sanitize/,
    );
  });
});

const HAND = `# train — hand kept

## Mode
- run_type: replication
- objective: does it train here

## Job (failed — \`77001\`)
- submitted: 2026-02-20 10:00 UTC
- node: nid000111

## Job (resubmit)
- job_id: 77002
- start_human: Friday, Feb 20th, 2026
- node: nid000222

## Status
- 2026-02-20 10:00 UTC — PD, waiting for nid000111
- 2026-02-20 12:00 UTC — running, step 9, loss 3.0, grad_norm 9.5
- 2026-02-20 ~13:00 UTC — running, step 10, loss 2.9
- failure reason: NCCL timeout on 77001
- 2026-02-21 — running, step 100, loss 1.0
- 2026-02-21 09:00 UTC — completed, step 1000, loss 0.5

## Results
- final step: 1000
- loss_one_liner: steady descent
- checkpoint: \`/scratch/bob/runs/x/checkpoints/step_1000\`
`;

describe('TRAINING_LOG from a hand-kept run log (no front matter)', () => {
  const doc = new RunLogDoc(HAND, 'run_logs/2026-02-20_train.md');

  it('builds the loss table by numeric step with grad norm when recorded', () => {
    expect(lossTable(doc).map((r) => [r.step, r.train, r.grad])).toEqual([
      [9, 3, 9.5],
      [10, 2.9, undefined],
      [100, 1, undefined],
      [1000, 0.5, undefined],
    ]);
  });

  it('publishes nothing private and keeps the dynamics', () => {
    const sanitizer = s(literalsOf(doc));
    const r = sanitizer.sanitize(renderTrainingLog({ runId: '2026-02-20_train', doc }));
    for (const leak of ['77001', '77002', 'nid000', '/scratch', 'bob']) expect(r.text).not.toContain(leak);
    expect(r.text).toContain('| 9 | Friday, Feb 20th, 2026 12:00 UTC | 3 | 9.5 |');
    expect(r.text).toContain('steady descent');
    expect(r.text).toContain('- checkpoint: `step_1000`');
    expect(r.text).toContain('- dates: Friday, Feb 20th, 2026 10:00 UTC → Saturday, Feb 21st, 2026 09:00 UTC');
    expect(sanitizer.leaks(r.text)).toEqual([]);
  });
});
