/**
 * Event ids and the mirror policy. The logbook gets every event; the issue
 * gets milestones, failures, relaunches, rollbacks, retention changes and
 * escalations, and otherwise at most one status every 24 h, so watchers of
 * the issue are not flooded.
 */
import { createHash } from 'node:crypto';
import type { LogbookDoc } from '../markdown/logbook.js';

export const EVENT_KINDS = [
  'note',
  'check',
  'launch',
  'milestone',
  'failure',
  'relaunch',
  'rollback',
  'retention',
  'escalation',
  'anomaly',
  'completion',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** Kinds that always go to the issue. */
const INTERESTING: ReadonlySet<EventKind> = new Set([
  'launch',
  'milestone',
  'failure',
  'relaunch',
  'rollback',
  'retention',
  'escalation',
  'anomaly',
  'completion',
]);

export const ISSUE_QUIET_MS = 24 * 3600 * 1000;

export function isInteresting(kind: EventKind): boolean {
  return INTERESTING.has(kind);
}

/**
 * A stable id for an event: the same slug, minute and content give the same
 * id, so running the same command again does not add a second entry.
 */
export function eventId(slug: string, at: Date, ...content: string[]): string {
  const stamp = at.toISOString().slice(0, 16).replace(/[-:]/g, '');
  const hash = createHash('sha256')
    .update([slug, stamp, ...content].join('\0'))
    .digest('hex')
    .slice(0, 10);
  // The id ends up inside an HTML comment, where `--` would close it.
  return `${slug.replace(/-{2,}/g, '-')}@${stamp}Z.${hash}`;
}

/** When the issue last got (or was queued) an update from this logbook; null if never. */
export function lastMirroredAt(doc: LogbookDoc): number | null {
  let last: number | null = null;
  for (const e of doc.entries)
    if ((e.mirror === 'posted' || e.mirror === 'pending') && e.at !== null && (last === null || e.at > last))
      last = e.at;
  return last;
}

export type MirrorDecision = { mirror: 'pending' | 'none'; why: string };

export function mirrorDecision(doc: LogbookDoc, kind: EventKind, at: Date, force?: boolean): MirrorDecision {
  if (force === false) return { mirror: 'none', why: 'not posted (--no-post)' };
  if (!doc.issue) return { mirror: 'none', why: 'the logbook links no GitHub issue' };
  if (force === true) return { mirror: 'pending', why: 'posted on request (--post)' };
  if (isInteresting(kind)) return { mirror: 'pending', why: `${kind} events go to the issue` };
  const last = lastMirroredAt(doc);
  if (last === null || at.getTime() - last >= ISSUE_QUIET_MS)
    return { mirror: 'pending', why: 'no issue update in the last 24 h' };
  return { mirror: 'none', why: 'routine; the issue had an update in the last 24 h' };
}
