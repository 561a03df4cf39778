/**
 * The run's chart, committed beside its run log: `<folder>/plots/<file
 * stem>.svg`, linked from Results in the same commit.
 *
 * Replay-safe by construction: the chart is a pure function of the run log
 * as it is when the operation is applied (Status entries, Job blocks,
 * Results) and of the output-log readings the operation carries (see
 * src/plot/codec.ts for why they travel in the trailer). Re-applied on
 * another clone's moved head, where no output log exists, it draws the same
 * log readings plus whatever entries that head has; applied twice to the
 * same files it writes the same bytes, so a redraw with nothing new commits
 * nothing.
 *
 * Loaded only by the operations that draw (complete, job-end, plot): d3
 * stays out of `append`'s start-up.
 */
import { failed } from '../../core/errors.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { decodeReadings, type EncodedReadings } from '../../plot/codec.js';
import { hasReadings, mergeReadings, readingsFromStatus, runChartOf } from '../../plot/readings.js';
import { renderRunChart } from '../../plot/run-chart.js';
import type { Applied, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { chartFile, chartLink } from '../../plot/paths.js';
import { scrubberFor } from '../../core/scrub/scrub.js';
import { loadRunDoc } from './common.js';

export const CHART_ALT = 'loss and throughput';
export const CHART_FIELD = 'chart';

export interface Charted {
  /** The run log with the Results link. */
  content: string;
  /** The SVG; null when the run has no reading to draw (no file, no link). */
  svg: Write | null;
}

function linkEdits(doc: RunLogDoc, id: string): Edit[] {
  const value = `![${CHART_ALT}](${chartLink(id)})`;
  const results = doc.section('Results', 'first');
  if (results) return doc.fieldEdits(results, [[CHART_FIELD, value]]);
  const text = doc.src.text;
  const lead = text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return [
    { start: text.length, end: text.length, text: doc.src.fragment(`${lead}## Results\n- ${CHART_FIELD}: ${value}\n`) },
  ];
}

/**
 * Draw the chart of run `id` whose log text is `content` (after the
 * operation's own edits), and link it. `readings` is the operation's
 * encoded output-log readings, checked here: it may come from anyone's clone.
 */
export function chartWrites(view: LedgerView, id: string, path: string, content: string, readings: unknown): Charted {
  const logs = decodeReadings(readings ?? [], id);
  const doc = new RunLogDoc(content, path);
  if (!hasReadings(mergeReadings(readingsFromStatus(doc.view.status), logs))) return { content, svg: null };
  const clean = scrubberFor(view.config.scrub.rules).line;
  const chart = runChartOf(id, doc.view, logs);
  chart.title = clean(chart.title);
  chart.marks = chart.marks.map((m) => ({ ...m, label: clean(m.label) }));
  return {
    content: applyEdits(content, linkEdits(doc, id)),
    svg: { path: chartFile(view.config.runs_dir, id), content: renderRunChart(chart) },
  };
}

export interface PlotArgs {
  run: string;
  readings: EncodedReadings[];
}

export interface PlotResult {
  id: string;
  path: string;
  chart: string;
  link: string;
  bytes: number;
}

export function applyPlot(view: LedgerView, a: PlotArgs): Applied<PlotResult> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const charted = chartWrites(view, a.run, path, doc.src.text, a.readings);
  if (!charted.svg) {
    throw failed(
      'NO_READINGS',
      `${a.run} has no progress reading to draw: no Status entry with a step and a loss or throughput, and no output log with one`,
      `record readings with \`runlog append ${a.run} <message> --step <n> --metric train_loss=<x>\`, or let \`runlog supervise\` read the job's output`,
    );
  }
  return {
    writes: [{ path, content: charted.content }, charted.svg],
    subject: `${a.run}: plot`,
    result: {
      id: a.run,
      path,
      chart: charted.svg.path,
      link: chartLink(a.run),
      bytes: Buffer.byteLength(charted.svg.content),
    },
  };
}
