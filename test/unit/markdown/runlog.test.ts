/**
 * The run-log view over hand-kept files (no front matter: everything derived
 * from the body), and where surgical edits land.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLogDoc, looksLikeRunLog } from '../../../src/markdown/runlog.js';
import { applyEdits } from '../../../src/markdown/source.js';

const REAL = resolve(__dirname, '..', '..', 'fixtures', 'real-ledger');
const read = (p: string) => readFileSync(join(REAL, p), 'utf8');
const doc = (p: string) => new RunLogDoc(read(p), p);
const ARX5 = 'ledger/run_logs/arx5_multitask';

describe('the view of hand-kept run logs', () => {
  it('derives state, type and results from the body; the primary Results section wins', () => {
    const d = doc(`${ARX5}/2026-02-20_train.md`);
    expect(d.diagnostics).toEqual([]);
    expect(d.view).toMatchObject({
      hasFrontMatter: false,
      state: 'completed',
      stateInferred: true,
      runType: 'replication',
      attempt: 1,
    });
    expect(d.view.results).toMatchObject({
      'final step': '9,999',
      checkpoint: '/scratch/ana/arx5/ckpt/step-9999',
      end_train_loss: '0.085',
      checkpoint_hash: 'sha256:3f1c0a9e',
    });
    expect(d.view.jobs[0]!.fields).toMatchObject({
      job_id: '4419021',
      'submitted/start': '2026-02-20T09:14:02Z',
      start_human: 'Friday, Feb 20th, 2026',
      end: '2026-02-21T03:40:55Z',
      end_human: 'Saturday, Feb 21st, 2026',
      runtime: '18:26:53',
      node: 'nid001234',
      worktree: '/home/ana/src/arx5-wt-train',
      'submit command': 'sbatch slurm/train_arx5.sh configurations/arx5_multitask.yaml',
    });
    expect(d.view.sections).toEqual(
      expect.arrayContaining(['HuggingFace', 'Checkpoint Hashes', 'Training Dynamics', 'Evaluation', 'Interpretation']),
    );
    expect(d.view.status.map((e) => e.continuation)).toEqual([false, false, false, false, false, false, true]);
  });

  it('reads every Job heading variant, per-job Status sections and undated continuation lines', () => {
    const d = doc(`${ARX5}/2026-02-21_train_front_cam.md`);
    expect(d.view.jobs.map((j) => j.heading)).toEqual([
      'Job',
      'Job (failed — `4420777`)',
      'Job (debug rerun)',
      'Job (resubmit)',
      'Job (resubmitted again)',
      'Job (fresh run)',
      'Job — variant with the wrist camera disabled',
      'Job (resumed)',
    ]);
    expect(d.view.jobs[7]!.fields).toMatchObject({
      execution_id: '4423000',
      'resumed from': '/scratch/ana/front/ckpt/step-79000',
    });
    expect(d.view.state).toBe('running');
    expect(d.view.status.filter((e) => e.continuation).map((e) => e.message)).toEqual([
      'failure reason: walltime, not a crash',
      'fix applied: added `--requeue` and resume-from-latest',
    ]);
    expect(d.view.status.at(-1)).toMatchObject({ step: 80100, state: 'running' });
    expect(d.view.results).toBeNull();
  });

  it('reads 23 Job blocks and a CANCELLED in prose', () => {
    const d = doc(`${ARX5}/2026-03-01_sweep.md`);
    expect(d.view.jobs).toHaveLength(23);
    expect(d.view).toMatchObject({
      state: 'canceled',
      runType: 'pipeline',
      subtype: 'embedding extraction',
      attempt: 23,
    });
  });

  it('reads a CRLF file like an LF one', () => {
    const d = doc('ledger/run_logs/libero/2026-03-05_train_libero.md');
    expect(d.src.eol).toBe('\r\n');
    expect(d.view).toMatchObject({ state: 'running', runType: 'replication' });
    expect(d.view.status.at(-1)).toMatchObject({ step: 6000, metrics: { loss: 0.4 } });
  });

  it('skips entries inside comments and fenced code, and setext headings still name sections', () => {
    const d = doc('surgical/2026-03-21_ugly.md');
    expect(d.diagnostics).toEqual([]);
    expect(d.view.title).toBe('Ugly run log');
    expect(d.view.mode).toMatchObject({ run_type: 'experiment' });
    expect(d.view.status.map((e) => e.stamp)).toEqual([
      '2026-03-21 08:00 UTC',
      '2026-03-21 09:00 UTC',
      '2026-03-21 09:30',
    ]);
    expect(d.view.results).toBeNull();
  });
});

describe('what is a run log', () => {
  it('says no to timelines, tables, model-card drafts and write-ups, yes to run logs', () => {
    for (const f of [
      'timeline.md',
      '_hf_readme_arx5.md',
      '_hf_training_log_arx5.md',
      'hf_README.md',
      'hf_TRAINING_LOG.md',
      'eval_writeup_2026-03-02.md',
    ]) {
      expect([f, looksLikeRunLog(read(`${ARX5}/${f}`))]).toEqual([f, false]);
    }
    expect(looksLikeRunLog(read('ledger/run_logs/cam_experiments/experiments.md'))).toBe(false);
    for (const f of ['2026-02-20_train.md', '2026-02-21_train_front_cam.md', '2026-03-01_sweep.md'])
      expect(looksLikeRunLog(read(`${ARX5}/${f}`))).toBe(true);
    for (const f of [
      '2026-03-20_no_status.md',
      '2026-03-20_bad_yaml.md',
      '2026-03-20_unknown_state.md',
      '2026-03-20_unclosed.md',
    ])
      expect(looksLikeRunLog(read(`broken/${f}`))).toBe(true);
  });
});

describe('broken run logs', () => {
  const cases: [string, number, RegExp][] = [
    ['2026-03-20_no_status.md', 7, /no `## Status` section/],
    ['2026-03-20_bad_yaml.md', 6, /not valid YAML/],
    ['2026-03-20_unknown_state.md', 4, /front matter field state/],
    ['2026-03-20_unclosed.md', 1, /never closed/],
  ];
  for (const [file, line, msg] of cases) {
    it(`${file}: line ${line}`, () => {
      const d = doc(`broken/${file}`);
      expect(d.errors).toHaveLength(1);
      expect(d.errors[0]).toMatchObject({ file: `broken/${file}`, line });
      expect(d.errors[0]!.message).toMatch(msg);
      expect(() => d.assertWritable()).toThrow(
        expect.objectContaining({
          code: 'BROKEN_RUN_LOG',
          message: expect.stringContaining(`broken/${file}:${line}: `),
        }),
      );
    });
  }
});

describe('where edits land', () => {
  const insertAt = (text: string, line: string) => {
    const d = new RunLogDoc(text, 'x.md');
    return applyEdits(text, [d.appendStatusEdit(line)]);
  };

  it('appends after the last real entry and its continuation, before a trailing comment', () => {
    const text = read('surgical/2026-03-21_ugly.md');
    const out = insertAt(text, '- NEW');
    expect(out).toContain('  continuation line of the same item\n- NEW\n<!-- trailing comment');
    expect(out.replace('- NEW\n', '')).toBe(text);
  });

  it('keeps a CRLF file CRLF and adds the final newline it lacked before the new line', () => {
    const text = read('surgical/2026-03-21_ugly_crlf.md');
    const out = insertAt(text, '- NEW');
    expect(out).toBe(`${text}\r\n- NEW`);
  });

  it('does not split an item from its indented second paragraph or its lazy line', () => {
    expect(insertAt('## Status\n- a\n\n  more of a\n\n## Next\n', '- NEW')).toBe(
      '## Status\n- a\n\n  more of a\n- NEW\n\n## Next\n',
    );
    expect(insertAt('## Status\n- a\nlazy part of a\n## Next\n', '- NEW')).toBe(
      '## Status\n- a\nlazy part of a\n- NEW\n## Next\n',
    );
  });

  it('follows the list marker the section uses', () => {
    expect(insertAt('## Status\n* a\n', '- NEW')).toBe('## Status\n* a\n* NEW\n');
  });

  it('fills an empty section, one with only a placeholder comment, and one with no body', () => {
    expect(insertAt('## Status\n\n## Results\n', '- NEW')).toBe('## Status\n- NEW\n\n## Results\n');
    expect(insertAt('## Status\n<!-- newest last -->\n\n## Results\n', '- NEW')).toBe(
      '## Status\n<!-- newest last -->\n- NEW\n\n## Results\n',
    );
    expect(insertAt('## Status\n## Results\n', '- NEW')).toBe('## Status\n- NEW\n\n## Results\n');
    expect(insertAt('## Status', '- NEW')).toBe('## Status\n- NEW');
  });

  it('puts a resumed Job block after the last job and its own Status and W&B sections', () => {
    const text = read(`${ARX5}/2026-02-21_train_front_cam.md`);
    const d = new RunLogDoc(text, 'x.md');
    const out = applyEdits(text, [d.jobBlockEdit('Job (resumed)', [['execution_id', '1']])]);
    expect(out).toContain(
      'step 80,100, train_loss 0.061, 1.6 it/s, ETA ~14h\n\n## Job (resumed)\n- execution_id: 1\n\n## Results\n',
    );
  });
});
