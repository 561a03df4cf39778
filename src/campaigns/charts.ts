/**
 * The Charts section of campaign.md, drawn from summary data only (never
 * from output files, which a replay on another clone cannot see): Markdown
 * lines, today the key metric across entries as a one-line sparkline and
 * the best entry. A committed SVG chart plugs in here.
 */
import { sparkline } from '../plot/sparkline.js';
import { keyMetricName, type Summary } from './summary.js';

/** Lower is better for losses and errors; anything else is read as higher-is-better. */
const LOWER_IS_BETTER = /loss|err|perplexity|ppl|wer|cer|mse|mae|rmse/i;

export function campaignCharts(s: Summary): string[] {
  const key = keyMetricName(s);
  if (!key) return [];
  const scored = s.runs.filter((r) => r.state === 'completed' && Number.isFinite(r.metrics[key]));
  if (scored.length === 0) return [];
  const values = s.runs.map((r) => (r.state === 'completed' ? (r.metrics[key] ?? Number.NaN) : Number.NaN));
  const lower = LOWER_IS_BETTER.test(key);
  const best = scored.reduce((a, b) => ((lower ? b.metrics[key]! < a.metrics[key]! : b.metrics[key]! > a.metrics[key]!) ? b : a));
  return [
    `${key} by entry, in manifest order (× = no result yet):`,
    '',
    `\`${sparkline(values, 80)}\``,
    '',
    `Best ${key}: **${best.metrics[key]}** — [${best.entry}](${best.id.split('/').pop()!}.md) (${scored.length} of ${s.runs.length} completed).`,
  ];
}
