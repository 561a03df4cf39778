/**
 * campaign.md: the campaign as a person reads it on GitHub. It is a view of
 * summary.json (policy, progress, one table row per entry linking its run
 * log) and is regenerated whole with it; notes belong in the run logs.
 * The Charts section's lines come from ./charts.ts, which its caller loads
 * only when it writes (`campaign status` reads these helpers without d3).
 */
import { humanDate } from '../core/time.js';
import { isFailure, keyMetricName, type Summary, type SummaryRow } from './summary.js';

/** A table cell: one line, pipes escaped. */
function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

function hms(s: number | null): string {
  if (s === null) return '';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(Math.round(s % 60)).padStart(2, '0')}`;
}

function metric(v: number | undefined): string {
  if (v === undefined) return '';
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** `8 completed · 2 running · 1 command_failed`: states with at least one run, in lifecycle order. */
export function progressLine(s: Summary): string {
  return Object.entries(s.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `${n} ${state}`)
    .join(' · ');
}

export function classesLine(s: Summary): string {
  return Object.entries(s.failure_classes)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => `${n} ${c}`)
    .join(' · ');
}

/** "artifacts 5/6 verified; missing: a/result.json" (or why nothing can be said yet). */
export function artifactsLine(s: Summary): string {
  if (s.declared.artifacts.length === 0) return 'no artifacts declared';
  const a = s.artifacts;
  if (a.expected === 0) return `none expected yet (declared per run: ${s.declared.artifacts.join(', ')})`;
  if (a.fetched_at === null) return `${a.expected} expected, not fetched yet (\`runlog campaign fetch\`)`;
  const missing = s.runs.flatMap((r) => r.artifacts.missing.map((m) => `${r.entry}/${m}`));
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, … (${missing.length - 5} more)` : '');
  const where = a.synced_to ? ` (synced to ${a.synced_to})` : '';
  return `${a.verified}/${a.expected} verified${where}${missing.length > 0 ? `; missing: ${shown}` : ''}`;
}

export function gateLine(s: Summary): string {
  if (!s.wandb_gate.strict) return 'off';
  const failed = s.runs.filter((r) => r.wandb_gate.startsWith('failed'));
  if (failed.length === 0)
    return s.wandb_gate.pending > 0 ? `strict: ${s.wandb_gate.pending} pending` : 'strict: every completed run passed';
  return `strict: ${failed.length} failed (${failed
    .slice(0, 3)
    .map((r) => `${r.entry}: ${r.wandb_gate}`)
    .join('; ')})`;
}

function runRow(r: SummaryRow, key: string | null): string {
  const file = `${r.id.split('/').pop()!}.md`;
  const cls = r.failure_class && r.state !== 'completed' ? r.failure_class : '';
  const cells = [`[${cell(r.entry)}](${file})`, r.state, cls, String(r.attempts)];
  if (key) cells.push(metric(r.metrics[key]));
  cells.push(hms(r.runtime_s));
  return `| ${cells.join(' | ')} |`;
}

export function renderCampaignMd(s: Summary, charts: readonly string[] = []): string {
  const created = new Date(s.created);
  const key = keyMetricName(s);
  const p = s.policy;
  const maxParallel =
    s.max_parallel !== p['max_parallel']
      ? `${s.max_parallel} (launched with ${String(p['max_parallel'])})`
      : String(s.max_parallel);
  const failures = s.runs.filter((r) => isFailure(r.state)).length;
  const lines = [
    `# Campaign ${s.campaign}`,
    '',
    `Launched ${Number.isNaN(created.getTime()) ? s.created : `${humanDate(created)} (${s.created})`} on the \`${s.executor}\` executor, ${s.runs.length} run${s.runs.length === 1 ? '' : 's'}.`,
    `Frozen manifest: [manifest.yaml](manifest.yaml) (sha256 \`${s.manifest_sha256.slice(0, 16)}…\`); machine view: [summary.json](summary.json).`,
    '',
    '## Policy',
    '',
    '| max_parallel | fail_fast | retries | infra_retries | timeout | task_timeout | heartbeat | stall_action |',
    '|---|---|---|---|---|---|---|---|',
    `| ${maxParallel} | ${p['fail_fast'] ? 'yes' : 'no'} | ${String(p['retries'])} | ${String(p['infra_retries'])} | ${String(p['timeout'])} | ${String(p['task_timeout'])} | ${String(p['heartbeat'])} | ${String(p['stall_action'])} |`,
    '',
    '## Progress',
    '',
    `- runs: ${progressLine(s) || 'none'}`,
    `- failures: ${failures === 0 ? 'none' : classesLine(s) || `${failures}`}`,
    `- artifacts: ${artifactsLine(s)}`,
    `- W&B gate: ${gateLine(s)}`,
  ];
  if (s.halted)
    lines.push(
      '',
      `> **Halted** ${s.halted.at}: ${cell(s.halted.reason)}. Nothing new starts; \`runlog campaign resume ${s.campaign}\` starts the rest.`,
    );
  lines.push(
    '',
    '## Runs',
    '',
    `| entry | state | class | attempts |${key ? ` ${key} |` : ''} runtime |`,
    `|---|---|---|---|${key ? '---|' : ''}---|`,
  );
  for (const r of s.runs) lines.push(runRow(r, key));
  lines.push('', '## Charts', '', ...(charts.length > 0 ? charts : ['_No chart yet._']));
  return `${lines.join('\n')}\n`;
}
