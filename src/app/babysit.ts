/**
 * `runlog babysit`: check a hero run every cadence (once with --once):
 * one Event Log entry per cycle, said as it happens, until the job ends.
 */
import type { CommandOutput, Progress } from '../cli/output.js';
import { sleep } from '../core/backoff.js';
import { parseDuration } from '../core/time.js';
import { openLedger } from '../git/ledger-repo.js';
import { babysitCycle, type CycleOutcome } from '../hero/babysit.js';
import type { BabysitResult } from '../schemas/output.js';
import type { LedgerInput } from './ledger-input.js';

export interface BabysitInput extends LedgerInput {
  run: string;
  every: string;
  once: boolean;
  'max-cycles'?: number;
  log?: string;
  'github-api'?: string;
  progress: Progress;
}

export async function babysitService(input: BabysitInput): Promise<CommandOutput<BabysitResult>> {
  const everyMs = parseDuration(input.every, '--every');
  const ledger = openLedger({ ledger: input.ledger });
  const max = input.once ? 1 : (input['max-cycles'] ?? Number.POSITIVE_INFINITY);
  const out: BabysitResult = { slug: '', path: '', cycles: [], pending: [], posted: [], pushed: false };
  let pushError: CycleOutcome['pushError'];
  for (let n = 0; n < max; n++) {
    const r = await babysitCycle(ledger, {
      ref: input.run,
      everyMs,
      log: input.log,
      now: new Date(),
      push: input.push,
      apiUrl: input['github-api'],
    });
    pushError = r.pushError ?? pushError;
    const { slug, path, ended, flush, pushed, pushError: _e, ...cycle } = r;
    out.slug = slug;
    out.path = path;
    out.cycles.push(cycle);
    out.pushed ||= pushed;
    out.posted.push(...(flush?.posted ?? []));
    out.pending = flush?.pending ?? out.pending;
    for (const line of cycleLines(r)) input.progress.line(line);
    if (ended) break;
    if (n + 1 < max) await sleep(everyMs - (Date.now() % everyMs) + 1000);
  }
  return { result: out, human: [], pushError };
}

function cycleLines(r: CycleOutcome): string[] {
  const lines = [`${r.at} ${r.written ? '' : '(already checked this cadence) '}${r.title} [${r.health}]`];
  for (const f of r.findings.filter((x) => x.severity !== 'info'))
    lines.push(
      `  ${f.kind === 'monitor_stale' ? 'MONITOR STALE' : 'RUN UNHEALTHY'} ${f.detector}: ${f.message} → ${f.next}`,
    );
  for (const p of r.flush?.posted ?? []) lines.push(`  issue: posted ${p.eventId} → ${p.commentUrl}`);
  for (const p of r.flush?.pending ?? [])
    lines.push(`  issue: PENDING ${p.eventId} [${p.code}] ${p.reason}; the next cycle or \`runlog sync\` posts it`);
  if (r.ended) {
    lines.push(
      r.job?.phase === 'completed'
        ? `${r.slug}: the job completed; verify the final checkpoint and W&B summary, then seal`
        : `${r.slug}: the job has ended; follow Next (relaunch with \`runlog hero launch ${r.slug}\` only when the failure is recoverable), then babysit again`,
    );
  }
  return lines;
}
