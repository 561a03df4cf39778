/** `runlog hero event`: one Event Log entry, by hand, in any logbook (hero or hand-kept), mirrored to the issue when it matters. */
import { renderMirror } from '../../cli/render/hero.js';
import type { CommandOutput } from '../../cli/output.js';
import { parseIsoFlag } from '../../core/time.js';
import { openLedger } from '../../git/ledger-repo.js';
import { heroEvent } from '../../hero/event.js';
import type { EventKind } from '../../hero/mirror-policy.js';
import type { HeroEventResult } from '../../schemas/output.js';
import type { LedgerInput } from '../ledger-input.js';

export interface HeroEventInput extends LedgerInput {
  run: string;
  text: string;
  status?: string;
  evidence?: string;
  decision?: string;
  next?: string;
  kind: string;
  post: boolean;
  at?: string;
  'github-api'?: string;
}

export async function heroEventService(input: HeroEventInput): Promise<CommandOutput<HeroEventResult>> {
  const at = input.at ? parseIsoFlag(input.at, '--at') : new Date();
  const r = await heroEvent(openLedger({ ledger: input.ledger }), {
    ref: input.run,
    text: input.text,
    status: input.status,
    evidence: input.evidence,
    decision: input.decision,
    next: input.next,
    kind: input.kind as EventKind,
    post: input.post,
    at,
    apiUrl: input['github-api'],
    push: input.push,
  });
  const human = [
    r.written
      ? `${r.path}: logged "${input.text}" (${r.eventId})`
      : `${r.path}: already has event ${r.eventId}; nothing written`,
    ...renderMirror(r.mirror, r.why, r.flush),
  ];
  return {
    result: {
      slug: r.slug,
      path: r.path,
      eventId: r.eventId,
      written: r.written,
      mirror: r.mirror,
      why: r.why,
      commit: r.commit,
      pushed: r.pushed,
      pending: r.flush?.pending ?? [],
      posted: r.flush?.posted ?? [],
    },
    human,
    pushError: r.pushError,
  };
}
