/**
 * The Charts section of campaign.md and the SVG it shows
 * (`<campaign>/plots/campaign.svg`, committed with it): the key metric of
 * every entry, and the loss curves of up to twenty entries overlaid.
 *
 * Drawn only from committed content, never from output files a replay on
 * another clone cannot see: the metric from the summary rows, the curves
 * from the Status entries of the entries' run logs (the progress the
 * supervisor records at its cadence). So the same commit on any clone draws
 * the same bytes. A state change reads at most twenty run logs, whatever the
 * campaign's size.
 */
import { RunLogDoc } from '../markdown/runlog.js';
import { MAX_CURVES, renderCampaignChart, type CampaignCurve } from '../plot/campaign-chart.js';
import { readingsFromStatus } from '../plot/readings.js';
import { sparkline } from '../plot/sparkline.js';
import { keyMetricName, type Summary, type SummaryRow } from './summary.js';

/** Relative to the campaign folder (the link in campaign.md). Run charts are `plots/<date>_<entry>.svg`: no clash. */
export const CAMPAIGN_CHART = 'plots/campaign.svg';

/** `<date>_<entry>`: a run log directly in the campaign folder. */
const RUN_FILE = /^\d{4}-\d{2}-\d{2}_[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Lower is better for losses and errors; anything else is read as higher-is-better. */
const LOWER_IS_BETTER = /loss|err|perplexity|ppl|wer|cer|mse|mae|rmse/i;

export interface CampaignChartFiles {
  /** Markdown lines of the Charts section (empty: nothing to show yet). */
  lines: string[];
  /** The SVG, or null when there is nothing to draw. */
  svg: string | null;
}

/**
 * The entries whose curves are drawn: the best by the key metric among the
 * completed, then the others that ran, in manifest order; at most twenty.
 */
function curveEntries(s: Summary, key: string | null): SummaryRow[] {
  // summary.json arrives through git: only ids that name a run log in this campaign's folder are read.
  const ran = s.runs.filter(
    (r) =>
      (r.state !== 'pending' || r.attempts > 1) &&
      r.id.startsWith(`${s.campaign}/`) &&
      RUN_FILE.test(r.id.slice(s.campaign.length + 1)),
  );
  if (!key) return ran.slice(0, MAX_CURVES);
  const lower = LOWER_IS_BETTER.test(key);
  const scored = ran
    .filter((r) => r.state === 'completed' && Number.isFinite(r.metrics[key]))
    .sort((a, b) => (lower ? a.metrics[key]! - b.metrics[key]! : b.metrics[key]! - a.metrics[key]!));
  const picked = new Set(scored.slice(0, MAX_CURVES));
  for (const r of ran) {
    if (picked.size >= MAX_CURVES) break;
    picked.add(r);
  }
  return [...picked];
}

/** Train loss from the Status entries, one segment per attempt (val loss when no train loss was recorded). */
function curveOf(row: SummaryRow, text: string | null): CampaignCurve | null {
  if (text === null) return null;
  const doc = new RunLogDoc(text, `${row.id}.md`);
  if (doc.errors.length > 0) return null;
  const readings = readingsFromStatus(doc.view.status);
  const train = readings.map((r) => r.train).filter((s) => s.length > 0);
  const segments = train.length > 0 ? train : readings.map((r) => r.val).filter((s) => s.length > 0);
  return segments.length > 0 ? { entry: row.entry, segments } : null;
}

/** `read(runId)`: a run log's text as the commit being built will leave it. */
export function campaignChartFiles(s: Summary, read: (runId: string) => string | null): CampaignChartFiles {
  const key = keyMetricName(s);
  const lower = key !== null && LOWER_IS_BETTER.test(key);
  const curves = curveEntries(s, key)
    .map((r) => curveOf(r, read(r.id)))
    .filter((c): c is CampaignCurve => c !== null);
  const metric = key
    ? {
        name: key,
        lowerIsBetter: lower,
        total: s.runs.length,
        entries: s.runs.map((r) => ({
          entry: r.entry,
          value: r.state === 'completed' ? (r.metrics[key] ?? Number.NaN) : Number.NaN,
        })),
      }
    : null;
  const svg = renderCampaignChart({ title: s.campaign, metric, curves });
  const lines: string[] = [];
  if (svg)
    lines.push(
      `![${key ? `final ${key} per entry` : 'loss curves'}${key && curves.length > 0 ? ' and loss curves' : ''}](${CAMPAIGN_CHART})`,
      '',
    );
  if (key && metric) {
    const scored = s.runs.filter((r) => r.state === 'completed' && Number.isFinite(r.metrics[key]));
    if (scored.length > 0) {
      const best = scored.reduce((a, b) =>
        (lower ? b.metrics[key]! < a.metrics[key]! : b.metrics[key]! > a.metrics[key]!) ? b : a,
      );
      lines.push(
        `${key} by entry, in manifest order (× = no result yet):`,
        '',
        `\`${sparkline(
          metric.entries.map((e) => e.value),
          80,
        )}\``,
        '',
        `Best ${key}: **${best.metrics[key]}** — [${best.entry}](${best.id.split('/').pop()!}.md) (${scored.length} of ${s.runs.length} completed).`,
      );
    }
  }
  while (lines.at(-1) === '') lines.pop();
  return { lines, svg };
}
