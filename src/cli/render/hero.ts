import type { FlushResult } from '../../hero/logbook-mirror.js';

/** Human lines for what happened on the issue: posted, pending (and why), or not mirrored. */
export function renderMirror(mirror: string, why: string, flush: FlushResult | null): string[] {
  const lines: string[] = [];
  if (mirror === 'none') lines.push(`issue: not posted (${why})`);
  for (const p of flush?.posted ?? []) lines.push(`issue: posted ${p.eventId} → ${p.commentUrl}`);
  for (const p of flush?.pending ?? [])
    lines.push(
      `issue: PENDING ${p.eventId} [${p.code}] ${p.reason}${p.retryAt ? ` (retry after ${p.retryAt})` : ''}; the next cycle or \`runlog sync\` posts it`,
    );
  return lines;
}
