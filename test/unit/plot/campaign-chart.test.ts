/**
 * The campaign chart: golden bytes for a small sweep (regenerate with
 * UPDATE_GOLDEN=1 after a deliberate change, and look at the diff), valid and
 * bounded for a 10,000-entry campaign, drawn by librsvg, and the Charts
 * section built from a summary and its run logs (at most twenty read).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignChartFiles, CAMPAIGN_CHART } from '../../../src/campaigns/charts.js';
import { initialSummary, withTotals, type Summary } from '../../../src/campaigns/summary.js';
import { svgProblems } from '../../../src/plot/check.js';
import { renderCampaignChart, type CampaignChart } from '../../../src/plot/campaign-chart.js';
import type { Point } from '../../../src/plot/types.js';

const GOLDEN = join(__dirname, 'golden');

/** A loss that decays from `start` with a little deterministic wobble. */
function decay(start: number, steps: number, every: number, from = 0): Point[] {
  const out: Point[] = [];
  for (let s = from; s <= steps; s += every)
    out.push([s, Number((start * Math.exp(-s / (steps / 2)) + 0.05 * Math.sin(s / every)).toFixed(4))]);
  return out;
}

function sweep(): CampaignChart {
  const names = ['lr1e-4_seed0', 'lr1e-4_seed1', 'lr3e-4_seed0', 'lr3e-4_seed1', 'lr1e-3_seed0', 'lr1e-3_seed1'];
  const values = [1.92, 1.95, 1.71, Number.NaN, 2.4, 1.74];
  return {
    title: 'lr-sweep-1a2b3c4d',
    metric: {
      name: 'val_loss',
      lowerIsBetter: true,
      total: names.length,
      entries: names.map((entry, i) => ({ entry, value: values[i]! })),
    },
    curves: [
      { entry: 'lr3e-4_seed0', segments: [decay(3.2, 2000, 100)] },
      { entry: 'lr1e-3_seed1', segments: [decay(3.4, 2000, 100)] },
      // resumed at step 800: a second segment over the first
      { entry: 'lr1e-4_seed0', segments: [decay(3.0, 900, 100), decay(3.1, 2000, 100, 800)] },
      { entry: 'lr3e-4_seed1', segments: [[[100, 3.3]]] },
    ],
  };
}

function huge(): CampaignChart {
  const entries = Array.from({ length: 10_000 }, (_, i) => ({
    entry: `e${i}`,
    value: i % 7 === 0 ? Number.NaN : 1 + ((i * 7919) % 1000) / 1000,
  }));
  const curves = Array.from({ length: 25 }, (_, i) => ({ entry: `e${i}`, segments: [decay(3 + i / 10, 5000, 1)] }));
  return {
    title: 'big-00000000',
    metric: { name: 'accuracy', lowerIsBetter: false, total: entries.length, entries },
    curves,
  };
}

describe('campaign chart', () => {
  it('a six-entry sweep: byte for byte', () => {
    const svg = renderCampaignChart(sweep())!;
    const file = join(GOLDEN, 'campaign-sweep.svg');
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, svg);
    expect(svg).toBe(readFileSync(file, 'utf8'));
  });

  it('is well-formed and self-contained, labels what it shows, and is the same bytes twice', () => {
    const svg = renderCampaignChart(sweep())!;
    expect(svgProblems(svg)).toEqual([]);
    expect(svg).not.toMatch(/<script|href|url\(|@import|NaN|Infinity|undefined/i);
    for (const label of [
      '>final val_loss per entry (lower is better), 5 of 6 with a result<',
      '>best: lr3e-4_seed0 (1.71)<',
      '>loss curves of 4 entries<',
      '>lr1e-4_seed0<',
      '>entry, in manifest order<',
      '>step<',
    ])
      expect(svg).toContain(label);
    expect(renderCampaignChart(sweep())).toBe(svg);
  });

  it('10,000 entries and more curves than it draws: at most 20 curves, under 60 KB', () => {
    const svg = renderCampaignChart(huge())!;
    expect(svgProblems(svg)).toEqual([]);
    expect(Buffer.byteLength(svg)).toBeLessThanOrEqual(60 * 1024);
    expect(svg).toContain('>loss curves of 20 entries (first 20 of 25)<');
    expect(svg).toContain('>best: e');
    expect(svg).not.toContain('>e20<');
  });

  it('nothing to draw: no chart', () => {
    expect(renderCampaignChart({ title: 'x-00000000', metric: null, curves: [] })).toBeNull();
    expect(
      renderCampaignChart({
        title: 'x-00000000',
        metric: { name: 'val_loss', lowerIsBetter: true, total: 2, entries: [{ entry: 'a', value: Number.NaN }] },
        curves: [{ entry: 'a', segments: [] }],
      }),
    ).toBeNull();
  });
});

const rsvg = spawnSync('rsvg-convert', ['--version']).status === 0;
describe.skipIf(!rsvg && process.env['CI'] !== 'true')('campaign chart rendered by librsvg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlog-campaign-chart-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is not blank: many colours, the curves among them', () => {
    writeFileSync(join(dir, 'c.svg'), renderCampaignChart(sweep())!);
    // A PPM-free check: rsvg's PNG is opaque white where nothing is drawn, so the coloured bytes tell.
    execFileSync('rsvg-convert', ['--format', 'png', '--output', join(dir, 'c.png'), join(dir, 'c.svg')], {
      timeout: 30_000,
    });
    const png = readFileSync(join(dir, 'c.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(720);
    // A blank image of this size compresses to well under 2 KB.
    expect(png.length).toBeGreaterThan(8_000);
  });
});

describe('Charts section of campaign.md', () => {
  const manifest = {
    schema: 1 as const,
    name: 'lr',
    executor: 'local' as const,
    type: 'experiment' as const,
    resources: {},
    policy: {
      max_parallel: 2,
      fail_fast: false,
      retries: 2,
      infra_retries: 5,
      timeout: '72h',
      task_timeout: '2h',
      heartbeat: '30m',
      stall_action: 'retry' as const,
      backoff: '30s',
      backoff_max: '30m',
    },
    artifacts: [],
    checkpoints: 'checkpoints',
    wandb: { strict: false },
    entries: [],
  };
  const ids = Array.from({ length: 30 }, (_, i) => `lr-00000000/2026-05-01_e${i}`);

  function summary(): Summary {
    const s = initialSummary('lr-00000000', 'f'.repeat(64), '2026-05-01T10:00:00Z', manifest, ids);
    return withTotals({
      ...s,
      runs: s.runs.map((r, i) =>
        i < 25 ? { ...r, state: 'completed', metrics: { val_loss: 2 + ((i * 7) % 25) / 10 } } : r,
      ),
    });
  }

  const runLog = (loss: number) =>
    `# x\n\n## Status\n- 2026-05-01 10:00 UTC — running, step 10, train_loss ${loss + 1} — progress\n- 2026-05-01 10:05 UTC — completed, step 20, train_loss ${loss} — done\n`;

  it('draws the best twenty completed entries, reading only their run logs, and links the SVG', () => {
    const s = summary();
    const read: string[] = [];
    const out = campaignChartFiles(s, (id) => {
      read.push(id);
      return runLog(2);
    });
    expect(read).toHaveLength(20);
    const best20 = [...s.runs]
      .filter((r) => r.state === 'completed')
      .sort((a, b) => a.metrics['val_loss']! - b.metrics['val_loss']!)
      .slice(0, 20)
      .map((r) => r.id);
    expect(read).toEqual(best20);
    expect(out.lines[0]).toBe(`![final val_loss per entry and loss curves](${CAMPAIGN_CHART})`);
    expect(out.lines.join('\n')).toMatch(
      /Best val_loss: \*\*2\*\* — \[e0\]\(2026-05-01_e0\.md\) \(25 of 30 completed\)\./,
    );
    expect(out.svg).toContain('>loss curves of 20 entries<');
  });

  it('reads no file a hostile summary row names outside the campaign folder', () => {
    const s = summary();
    s.runs[0] = { ...s.runs[0]!, id: 'lr-00000000/../../../etc/passwd' };
    s.runs[1] = { ...s.runs[1]!, id: 'other-00000000/2026-05-01_e1' };
    const read: string[] = [];
    campaignChartFiles(s, (id) => {
      read.push(id);
      return null;
    });
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((id) => /^lr-00000000\/2026-05-01_e\d+$/.test(id))).toBe(true);
  });

  it('a campaign where nothing ran reads no run log and draws nothing', () => {
    const s = initialSummary('lr-00000000', 'f'.repeat(64), '2026-05-01T10:00:00Z', manifest, ids);
    const out = campaignChartFiles(s, () => {
      throw new Error('no run log should be read');
    });
    expect(out).toEqual({ lines: [], svg: null });
  });
});
