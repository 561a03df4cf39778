/** `runlog hero event`: one Event Log entry, by hand, in any logbook (hero or hand-kept). */
import type { Ledger } from '../git/ledger-repo.js';
import { LogbookDoc } from '../markdown/logbook.js';
import { eventId, mirrorDecision, type EventKind } from './mirror-policy.js';
import { resolveLogbook } from '../ledger/read/logbooks.js';
import { recordEvent, type RecordedEvent } from './record.js';
import { currentChart } from './chart.js';
import { linkedRunLog } from './launch.js';
import { readInside } from '../core/confined-fs.js';

export interface HeroEventOptions {
  ref: string;
  text: string;
  status?: string;
  evidence?: string;
  decision?: string;
  next?: string;
  kind: EventKind;
  /** true: always post; false: never; undefined: the mirror policy decides. */
  post?: boolean;
  at: Date;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  push: boolean;
}

export interface HeroEventOutcome extends RecordedEvent {
  why: string;
}

export async function heroEvent(ledger: Ledger, o: HeroEventOptions): Promise<HeroEventOutcome> {
  const { slug, path } = resolveLogbook(ledger.root, o.ref);
  const doc = new LogbookDoc(readInside(ledger.root, path) ?? '', path);
  const decision = mirrorDecision(doc, o.kind, o.at, o.post);
  const fields: [string, string][] = [
    ['Status', o.status ?? ''],
    ['Evidence', o.evidence ?? ''],
    ['Decision', o.decision ?? ''],
    ['Next', o.next ?? ''],
  ];
  const id = eventId(slug, o.at, o.kind, o.text, ...fields.map(([, v]) => v));
  // A milestone or completion links the run's chart as it is now (the event id stays that of the text).
  const runLog = o.kind === 'milestone' || o.kind === 'completion' ? linkedRunLog(ledger, doc.contract) : null;
  const chart = runLog ? await currentChart(ledger, runLog, path, o.push) : null;
  if (chart) fields.push(['Chart', chart]);
  const r = await recordEvent(
    ledger,
    'hero-event',
    { slug, path, at: o.at.toISOString(), title: o.text, fields, eventId: id, mirror: decision.mirror },
    o,
  );
  return { ...r, why: decision.why };
}
