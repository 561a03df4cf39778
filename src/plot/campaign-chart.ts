/**
 * A campaign's chart: the final key metric of every entry on top (one dot
 * per entry, in manifest order, the best one marked), and below it the loss
 * curves of up to twenty entries overlaid, one colour each. Pure: values in,
 * SVG text out, the same bytes every time.
 *
 * Size stays bounded whatever the campaign: entries are bucketed like steps
 * (min and max of each bucket survive, so the best and the worst are always
 * drawn), and each curve gets 60 buckets, so twenty curves cost about what
 * one run chart does (test/unit/plot/campaign-chart.test.ts holds 10,000
 * entries and twenty 5,000-step curves under 60 KB).
 */
import { downsampleSegment, downsampleSegments, sortPoints } from './downsample.js';
import { COLORS, renderPanel, stepScale, type Box } from './panel.js';
import { el, svgDocument, text, textWidth } from './svg.js';
import type { Point } from './types.js';

export interface CampaignCurve {
  entry: string;
  /** One segment per attempt: a resume is drawn as a second line, never joined to the first. */
  segments: Point[][];
}

export interface CampaignChart {
  /** The campaign id. */
  title: string;
  /** The key metric, or null when no entry has one yet. */
  metric: { name: string; lowerIsBetter: boolean; entries: { entry: string; value: number }[]; total: number } | null;
  curves: CampaignCurve[];
}

/** Most curves drawn over one another: beyond this, colours repeat and nobody can tell them apart. */
export const MAX_CURVES = 20;

/** matplotlib's tab20 order: ten strong colours, then their light twins. */
export const CURVE_COLORS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
  '#aec7e8',
  '#ffbb78',
  '#98df8a',
  '#ff9896',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#c7c7c7',
  '#dbdb8d',
  '#9edae5',
] as const;

const WIDTH = 720;
const PLOT_X = 64;
const PLOT_WIDTH = 636;
const METRIC_HEIGHT = 150;
const CURVE_HEIGHT = 220;
const DOT_COLOR = '#1a73e8';
const BEST_COLOR = '#188038';
const ENTRY_BUCKETS = 100;
const CURVE_BUCKETS = 60;

/** Legend rows of coloured swatches; returns the SVG and the y below it. */
function legend(items: { label: string; color: string }[], top: number): { svg: string; bottom: number } {
  const out: string[] = [];
  let x = PLOT_X;
  let y = top;
  for (const item of items) {
    const width = 23 + textWidth(item.label, 11);
    if (x > PLOT_X && x + width > PLOT_X + PLOT_WIDTH) {
      x = PLOT_X;
      y += 16;
    }
    out.push(
      el('line', [
        ['x1', x],
        ['x2', x + 18],
        ['y1', y],
        ['y2', y],
        ['stroke', item.color],
        ['stroke-width', 2],
      ]),
    );
    out.push(
      text(x + 23, y + 3.5, item.label, [
        ['font-size', 11],
        ['fill', COLORS.text],
      ]),
    );
    x += width + 16;
  }
  return { svg: out.join('\n'), bottom: items.length > 0 ? y + 14 : top };
}

function caption(box: Box, label: string): string {
  return text(box.x + box.width / 2, box.y + box.height + 30, label, [
    ['text-anchor', 'middle'],
    ['font-size', 11],
    ['fill', COLORS.text],
  ]);
}

function heading(y: number, label: string): string {
  return text(16, y, label, [
    ['font-size', 12],
    ['font-weight', 600],
    ['fill', COLORS.text],
  ]);
}

function best(m: NonNullable<CampaignChart['metric']>): { entry: string; value: number; index: number } | null {
  let found: { entry: string; value: number; index: number } | null = null;
  for (const [index, e] of m.entries.entries()) {
    if (Number.isFinite(e.value) && (!found || (m.lowerIsBetter ? e.value < found.value : e.value > found.value)))
      found = { ...e, index };
  }
  return found;
}

function metricPanel(m: NonNullable<CampaignChart['metric']>, top: number): { svg: string; bottom: number } {
  // x is the entry's 1-based position in the manifest (the row of campaign.md's table).
  const points: Point[] = m.entries
    .map((e, i) => [i + 1, e.value])
    .filter((p): p is [number, number] => Number.isFinite(p[1]));
  const top1 = best(m);
  const head = heading(
    top,
    `final ${m.name} per entry (${m.lowerIsBetter ? 'lower' : 'higher'} is better), ${points.length} of ${m.total} with a result`,
  );
  const mark = top1
    ? legend([{ label: `best: ${top1.entry} (${Number(top1.value.toPrecision(4))})`, color: BEST_COLOR }], top + 20)
    : { svg: '', bottom: top + 20 };
  const box: Box = { x: PLOT_X, y: mark.bottom + 8, width: PLOT_WIDTH, height: METRIC_HEIGHT };
  // Half an entry of room at each end: the first and last dots are not drawn on the frame.
  const x = stepScale([0.5, m.total + 0.5], [box.x, box.x + box.width]);
  const shown = points.length > ENTRY_BUCKETS ? downsampleSegment(points, ENTRY_BUCKETS) : points;
  const panel = renderPanel(
    {
      box,
      x,
      yLabel: m.name,
      lines: [
        { segments: shown.map((p) => [p]), color: DOT_COLOR, dots: true },
        { segments: top1 ? [[[top1.index + 1, top1.value]]] : [], color: BEST_COLOR, dots: true },
      ],
      marks: [],
      yDomain: 'auto',
      yPad: 0.08,
      empty: `no ${m.name} yet`,
    },
    { markLabels: false },
  );
  return {
    svg: [head, mark.svg, panel, caption(box, 'entry, in manifest order')].filter(Boolean).join('\n'),
    bottom: box.y + box.height + 44,
  };
}

function curvePanel(curves: CampaignCurve[], top: number): { svg: string; bottom: number } {
  const drawn = curves.slice(0, MAX_CURVES).map((c, i) => ({
    entry: c.entry,
    color: CURVE_COLORS[i]!,
    segments: downsampleSegments(
      c.segments.map(sortPoints).filter((s) => s.length > 0),
      CURVE_BUCKETS,
    ),
  }));
  const head = heading(
    top,
    `loss curves of ${drawn.length} entr${drawn.length === 1 ? 'y' : 'ies'}${curves.length > MAX_CURVES ? ` (first ${MAX_CURVES} of ${curves.length})` : ''}`,
  );
  const keys = legend(
    drawn.map((c) => ({ label: c.entry, color: c.color })),
    top + 20,
  );
  const box: Box = { x: PLOT_X, y: keys.bottom + 8, width: PLOT_WIDTH, height: CURVE_HEIGHT };
  const steps = drawn.flatMap((c) => c.segments.flatMap((s) => s.map((p) => p[0])));
  const x = stepScale(steps, [box.x, box.x + box.width]);
  const panel = renderPanel(
    {
      box,
      x,
      yLabel: 'loss',
      lines: drawn.map((c) => ({
        segments: c.segments,
        color: c.color,
        dots: c.segments.reduce((n, s) => n + s.length, 0) <= 3,
      })),
      marks: [],
      yDomain: 'auto',
      empty: 'no loss readings',
    },
    { markLabels: false },
  );
  return { svg: [head, keys.svg, panel, caption(box, 'step')].join('\n'), bottom: box.y + box.height + 44 };
}

/** The chart, or null when there is nothing to draw (no metric and no curve). */
export function renderCampaignChart(chart: CampaignChart): string | null {
  const hasMetric = chart.metric?.entries.some((e) => Number.isFinite(e.value)) === true;
  const hasCurves = chart.curves.some((c) => c.segments.some((s) => s.length > 0));
  if (!hasMetric && !hasCurves) return null;
  const parts = [
    text(16, 24, chart.title, [
      ['font-size', 14],
      ['font-weight', 600],
      ['fill', COLORS.text],
    ]),
  ];
  let y = 52;
  if (hasMetric) {
    const p = metricPanel(chart.metric!, y);
    parts.push(p.svg);
    y = p.bottom;
  }
  if (hasCurves) {
    const p = curvePanel(
      chart.curves.filter((c) => c.segments.some((s) => s.length > 0)),
      y,
    );
    parts.push(p.svg);
    y = p.bottom;
  }
  return svgDocument(
    WIDTH,
    y - 6,
    `${chart.title}: ${hasMetric ? `final ${chart.metric!.name} per entry` : ''}${hasMetric && hasCurves ? ' and ' : ''}${hasCurves ? 'loss curves' : ''}`,
    `${parts.join('\n')}\n`,
  );
}
