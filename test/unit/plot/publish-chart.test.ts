/**
 * publish and the chart: copied next to TRAINING_LOG.md and shown there,
 * its labels through the publish sanitizer; a chart that is not one runlog
 * draws is refused before anything is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunLogDoc } from '../../../src/markdown/runlog.js';
import { svgProblems, svgTexts } from '../../../src/plot/check.js';
import { renderRunChart } from '../../../src/plot/run-chart.js';
import { sanitizerFor } from '../../../src/publish/sanitize.js';
import { CHART_FILE, publishRun } from '../../../src/publish/training-log.js';

const base = mkdtempSync(join(tmpdir(), 'runlog-publish-chart-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const doc = new RunLogDoc(
  '# t\n\n## Status\n- 2026-03-22 10:00 UTC — running, step 10, train_loss 1.5 — ok\n\n## Results\n- final step: 10\n- chart: ![loss and throughput](plots/2026-03-22_t.svg)\n',
  'run_logs/g/2026-03-22_t.md',
);
const chart = renderRunChart({
  title: 'g/2026-03-22_t on host gpu-node-17',
  train: {
    label: 'train loss',
    segments: [
      [
        [10, 1.5],
        [20, 1.2],
      ],
    ],
  },
  val: { label: 'val loss', segments: [] },
  throughput: { label: 'throughput', unit: 'it/s', segments: [] },
  marks: [{ kind: 'checkpoint', step: 20, label: 'final checkpoint /scratch/alice/ckpt/step-20' }],
});

describe('publish carries the chart', () => {
  it('copies it beside TRAINING_LOG.md, links it there, and scrubs hosts and paths from its labels', async () => {
    const out = join(base, 'pkg');
    const sanitizer = sanitizerFor({}, []);
    const res = await publishRun({ runId: 'g/2026-03-22_t', doc, checkpoint: null, out, sanitizer, chart });
    expect(res.files).toEqual(['TRAINING_LOG.md', CHART_FILE]);
    const log = readFileSync(join(out, 'TRAINING_LOG.md'), 'utf8');
    expect(log).toContain(`![loss and throughput](${CHART_FILE})`);
    expect(log).not.toContain('plots/');
    const svg = readFileSync(join(out, CHART_FILE), 'utf8');
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).not.toMatch(/gpu-node-17|scratch|alice/);
    expect(svgTexts(svg).join('\n')).toContain('step-20');
    expect(res.removed.map((r) => r.rule)).toEqual(expect.arrayContaining(['node_name', 'cluster_path']));
    expect(res.leaks).toEqual([]);
  });

  it('refuses a chart runlog would not have drawn, writing nothing', async () => {
    const out = join(base, 'refused');
    const hostile = chart.replace('<title>', '<script>fetch("https://evil.example")</script><title>');
    await expect(
      publishRun({
        runId: 'g/2026-03-22_t',
        doc,
        checkpoint: null,
        out,
        sanitizer: sanitizerFor({}, []),
        chart: hostile,
      }),
    ).rejects.toMatchObject({ code: 'PUBLISH_CHART_UNSAFE' });
    expect(existsSync(out)).toBe(false);
  });
});
