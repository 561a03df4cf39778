/** Human renderings of command results (the --json shapes are the contract; these are for people). */
import type { ShowResult } from '../../schemas/output.js';

export function renderRun(r: ShowResult, sparkline: string | null = null, now = Date.now()): string {
  const out: string[] = [];
  out.push(
    `${r.id}  [${r.state}${r.stateInferred ? ' (inferred)' : ''}]${r.runType ? `  ${r.runType}` : ''}${r.attempt > 1 ? `  attempt ${r.attempt}` : ''}`,
  );
  if (r.objective) out.push(`objective: ${r.objective}`);
  out.push(`file: ${r.path}`);
  const progress = progressLine(r, now);
  if (progress) out.push(progress);
  if (sparkline) out.push(sparkline);
  if (r.jobs.length > 0) {
    out.push('', 'jobs:');
    for (const j of r.jobs) {
      const f = j.fields;
      const bits = [
        f['execution_id'] ?? f['job_id'],
        f['node'] && `node ${f['node']}`,
        f['runtime'] && `runtime ${f['runtime']}`,
      ].filter(Boolean);
      out.push(`  ${j.heading}${bits.length ? ` — ${bits.join(', ')}` : ''}`);
    }
  }
  const dated = r.status;
  if (dated.length > 0) {
    const shown = dated.slice(-15);
    out.push(
      '',
      `status (${dated.length} entr${dated.length === 1 ? 'y' : 'ies'}${dated.length > shown.length ? `, last ${shown.length}` : ''}):`,
    );
    for (const e of shown) {
      const head = e.continuation ? '    ' : `  ${(e as { stamp?: string | null }).stamp ?? e.at ?? ''} — `;
      out.push(`${head}${e.continuation ? e.message : statusText(e)}`);
    }
  }
  if (r.results && Object.keys(r.results).length > 0) {
    out.push('', 'results:');
    for (const [k, v] of Object.entries(r.results)) out.push(`  ${k}: ${v}`);
  }
  const next = (r as { next?: string[] }).next ?? [];
  if (next.length > 0) out.push('', 'next:', ...next.map((n) => `  ${n.replace(/^\s*[-*+]\s*/, '- ')}`));
  if (r.diagnostics.length > 0) {
    out.push('', 'problems in this file:');
    for (const d of r.diagnostics) out.push(`  ${d.file}:${d.line}: ${d.message}`);
  }
  return out.join('\n');
}

/**
 * `progress: step 2400, train_loss 0.085, samples_per_s 105 (3 min ago)`: the
 * newest Status entry with a step, and how old it is, so a stalled run reads
 * as one without opening the log.
 */
export function progressLine(r: ShowResult, now: number): string | null {
  const e = [...r.status].reverse().find((x) => x.step !== null && !x.continuation);
  if (!e) return null;
  const metrics = Object.entries(e.metrics).map(([k, v]) => `, ${k} ${v === null ? 'nan' : v}`);
  const at = e.at ? Date.parse(e.at) : Number.NaN;
  const age = Number.isFinite(at) ? ` (${ago(Math.max(0, now - at))})` : '';
  return `progress: step ${e.step}${metrics.join('')}${age}`;
}

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

function statusText(e: ShowResult['status'][number]): string {
  const parts: string[] = [];
  if (e.state) parts.push(e.state);
  if (e.step !== null) parts.push(`step ${e.step}`);
  for (const [k, v] of Object.entries(e.metrics)) parts.push(`${k} ${v}`);
  const head = parts.join(', ');
  return head && e.message && !e.message.startsWith(e.state ?? '\0') ? `${head} — ${e.message}` : e.message || head;
}
