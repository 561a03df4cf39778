/**
 * A run's chart: loss (train, and val when recorded) over step on top,
 * throughput below on the same step axis; dashed lines where an attempt or
 * resume started and at the final checkpoint; red ticks where a reading was
 * NaN or infinite. Pure: readings in, SVG text out, the same bytes every
 * time (no clock, no random ids, elements in a fixed order).
 */
import { downsampleSegments, sortPoints } from './downsample.js';
import { COLORS, renderPanel, stepScale, type Box } from './panel.js';
import { el, svgDocument, text, textWidth } from './svg.js';
import type { Point, RunChart, Series } from './types.js';

const WIDTH = 720;
const HEIGHT = 440;
const LOSS: Box = { x: 64, y: 72, width: 636, height: 206 };
const THROUGHPUT: Box = { x: 64, y: 318, width: 636, height: 82 };

export const SERIES_COLORS = { train: '#1a73e8', val: '#e8710a', throughput: '#188038' } as const;

/** Val loss is evaluated every few thousand steps: few enough readings get a dot each. */
const DOTS_UP_TO = 40;

function bounded(s: Series): Point[][] {
  return downsampleSegments(s.segments.map(sortPoints).filter((seg) => seg.length > 0));
}

const count = (segments: Point[][]): number =>
  segments.reduce((n, s) => n + s.filter((p) => Number.isFinite(p[1])).length, 0);
const hasNonFinite = (segments: Point[][]): boolean => segments.some((s) => s.some((p) => !Number.isFinite(p[1])));

interface LegendItem {
  label: string;
  color: string;
  style: 'line' | 'dashed' | 'tick';
}

/** One or two rows above the loss panel; an item that would run past the right edge starts the next row. */
function legend(items: LegendItem[], top: number): string {
  const out: string[] = [];
  let x = LOSS.x;
  let y = top;
  for (const item of items) {
    const width = 23 + textWidth(item.label, 11);
    if (x > LOSS.x && x + width > LOSS.x + LOSS.width) {
      x = LOSS.x;
      y += 16;
    }
    if (item.style === 'tick')
      out.push(
        el('path', [
          ['d', `M${x + 9},${y + 4}v-8`],
          ['stroke', item.color],
          ['stroke-width', 1.5],
        ]),
      );
    else
      out.push(
        el('line', [
          ['x1', x],
          ['x2', x + 18],
          ['y1', y],
          ['y2', y],
          ['stroke', item.color],
          ['stroke-width', item.style === 'line' ? 2 : 1],
          ...(item.style === 'dashed' ? [['stroke-dasharray', '4 3'] as const] : []),
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
  return out.join('\n');
}

export function renderRunChart(chart: RunChart): string {
  const train = bounded(chart.train);
  const val = bounded(chart.val);
  const throughput = bounded(chart.throughput);
  const steps = [
    ...[train, val, throughput].flatMap((segs) => segs.flatMap((s) => s.map((p) => p[0]))),
    ...chart.marks.map((m) => m.step),
  ];
  const x = stepScale(steps, [LOSS.x, LOSS.x + LOSS.width]);
  const unit = chart.throughput.unit;

  const items: LegendItem[] = [];
  if (count(train) > 0) items.push({ label: chart.train.label, color: SERIES_COLORS.train, style: 'line' });
  if (count(val) > 0) items.push({ label: chart.val.label, color: SERIES_COLORS.val, style: 'line' });
  if (count(throughput) > 0)
    items.push({ label: `${chart.throughput.label} (${unit})`, color: SERIES_COLORS.throughput, style: 'line' });
  if (chart.marks.some((m) => m.kind === 'attempt'))
    items.push({ label: 'attempt start', color: COLORS.attempt, style: 'dashed' });
  if (chart.marks.some((m) => m.kind === 'checkpoint'))
    items.push({ label: 'final checkpoint', color: COLORS.checkpoint, style: 'dashed' });
  if ([train, val, throughput].some(hasNonFinite))
    items.push({ label: 'NaN/Inf', color: COLORS.nonFinite, style: 'tick' });

  const body = [
    text(16, 24, chart.title, [
      ['font-size', 14],
      ['font-weight', 600],
      ['fill', COLORS.text],
    ]),
    legend(items, 44),
    renderPanel(
      {
        box: LOSS,
        x,
        yLabel: 'loss',
        lines: [
          { segments: train, color: SERIES_COLORS.train, dots: count(train) <= DOTS_UP_TO },
          { segments: val, color: SERIES_COLORS.val, dots: count(val) <= DOTS_UP_TO },
        ],
        marks: chart.marks,
        yDomain: 'auto',
        empty: 'no loss readings',
      },
      { markLabels: true },
    ),
    renderPanel(
      {
        box: THROUGHPUT,
        x,
        yLabel: unit,
        lines: [{ segments: throughput, color: SERIES_COLORS.throughput, dots: count(throughput) <= DOTS_UP_TO }],
        marks: chart.marks,
        yDomain: 'zero',
        empty: 'no throughput readings',
      },
      { markLabels: false },
    ),
    text(LOSS.x + LOSS.width / 2, HEIGHT - 12, 'step', [
      ['text-anchor', 'middle'],
      ['font-size', 11],
      ['fill', COLORS.text],
    ]),
  ];
  return svgDocument(WIDTH, HEIGHT, `${chart.title}: loss and throughput`, `${body.join('\n')}\n`);
}
