/**
 * `runlog babysit`: one cycle reads the job, its output, checkpoints and the
 * W&B summary, runs the detectors and writes one Event Log entry, kept
 * apart as "monitor stale" (our monitoring is blind) or "run unhealthy" (the
 * run itself), with what to do next. A job that ended is recorded in the run
 * log. The state between cycles is the logbook itself (the previous babysit
 * entry), so a restarted babysitter carries on where the last one stopped.
 */
import type { Ledger } from '../git/ledger-repo.js';
import { field, LogbookDoc, type LogbookEntry } from '../markdown/logbook.js';
import type { BabysitCycleResult } from '../schemas/output.js';
import type { Finding } from '../signals/detectors/types.js';
import { eventId, mirrorDecision, type EventKind } from './mirror-policy.js';
import { resolveLogbook } from '../ledger/read/logbooks.js';
import type { FlushResult } from './logbook-mirror.js';
import { attemptLog, observe, type Observation } from './observe.js';
import { recordEvent } from './record.js';
import { currentChart } from './chart.js';
import { linkedRunLog } from './launch.js';
import { TERMINAL } from '../core/lifecycle.js';
import { readInside } from '../core/confined-fs.js';
import { LocalState } from '../executors/state.js';
import type { SuperviseContext } from '../jobs/context.js';

export interface BabysitOptions {
  ref: string;
  everyMs: number;
  /** Output log to read when the logbook has no run log (hand-kept logbooks). */
  log?: string;
  now: Date;
  push: boolean;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface CycleOutcome extends BabysitCycleResult {
  slug: string;
  path: string;
  /** The job has ended (recorded in the run log): babysitting this instance is done. */
  ended: boolean;
  flush: FlushResult | null;
  pushed: boolean;
  pushError?: import('../core/errors.js').RunlogError;
}

const ENDED: Record<
  string,
  { state: 'completed' | 'command_failed' | 'canceled' | 'timed_out' | 'worker_lost'; cls?: string }
> = {
  completed: { state: 'completed' },
  failed: { state: 'command_failed' },
  canceled: { state: 'canceled', cls: 'cancelled' },
  timed_out: { state: 'timed_out', cls: 'walltime' },
  preempted: { state: 'command_failed', cls: 'preemption' },
  node_failure: { state: 'worker_lost', cls: 'node_failure' },
  oom: { state: 'command_failed', cls: 'oom_host' },
};

/** Failure classes after which a relaunch with the same id is the right next step (the run resumes its own lineage). */
const RELAUNCHABLE = new Set([
  'preemption',
  'node_failure',
  'network_transient',
  'nccl_timeout',
  'walltime',
  'unknown',
]);

const fmt = (n: number | undefined | null, digits = 4) =>
  n === undefined || n === null ? '?' : Number.isInteger(n) ? String(n) : Number(n.toPrecision(digits)).toString();

function lastBabysitEntry(doc: LogbookDoc): LogbookEntry | undefined {
  let best: LogbookEntry | undefined;
  for (const e of doc.entries)
    if (/^babysit\b/i.test(e.title) && e.at !== null && (!best || e.at >= best.at!)) best = e;
  return best;
}

const detectorsOf = (e: LogbookEntry | undefined) =>
  new Set([...(field(e?.fields ?? {}, 'Findings') ?? '').matchAll(/([a-z_]+) \((?:warn|alert)\)/g)].map((m) => m[1]!));
const stepOf = (e: LogbookEntry | undefined) =>
  Number(/step (\d+)/.exec(field(e?.fields ?? {}, 'Progress') ?? '')?.[1] ?? NaN);

type Ended = (typeof ENDED)[string];

/**
 * One babysit cycle: observe, record a job that ended in its run log, run the
 * detectors, then write one Event Log entry (or nothing, for a routine check
 * already written in this cadence window).
 */
export async function babysitCycle(ledger: Ledger, o: BabysitOptions): Promise<CycleOutcome> {
  const { slug, path } = resolveLogbook(ledger.root, o.ref);
  const doc = new LogbookDoc(readInside(ledger.root, path) ?? '', path);
  const contract = doc.contract;
  const runLog = linkedRunLog(ledger, contract);
  const outputRoot =
    (field(doc.instances.at(-1)?.fields ?? {}, 'Output root') ?? field(contract, 'Output root') ?? '')
      .replace(/`/g, '')
      .trim() || null;
  const { createContext } = await import('../jobs/context.js');
  const ctx = createContext(ledger, { push: o.push, now: () => o.now });
  const seen = await observe(ctx, runLog, outputRoot, o.log);

  const finalStep = Number((field(contract, 'Final step') ?? '').replace(/[^\d]/g, '')) || null;
  const { step, loss, tp } = progressOf(seen);
  const phase = seen.job?.phase ?? (seen.transportError ? 'unknown' : seen.handle ? 'unknown' : 'not tracked');
  const ended = seen.job ? ENDED[seen.job.phase] : undefined;
  const failureClass = await recordJobEnd(ctx, seen, runLog, ended);

  const findings = await runDetectors(ledger, doc, seen, o, { finalStep, ended: ended?.state, failureClass, step });
  const previous = lastBabysitEntry(doc);
  const before = detectorsOf(previous);
  const fresh = findings.filter((f) => f.severity !== 'info' && !before.has(f.detector));
  const unhealthy = findings.filter((f) => f.severity !== 'info' && f.kind !== 'monitor_stale');
  const stale = findings.filter((f) => f.severity !== 'info' && f.kind === 'monitor_stale');
  const health: BabysitCycleResult['health'] =
    unhealthy.length > 0 || (ended && ended.state !== 'completed')
      ? 'run_unhealthy'
      : stale.length > 0
        ? 'monitor_stale'
        : 'ok';
  const { kind, title } = eventOf({ previous, phase, ended, failureClass, fresh, step, finalStep });
  const interesting = kind !== 'check';

  const bucket = new Date(Math.floor(o.now.getTime() / o.everyMs) * o.everyMs);
  const id = interesting
    ? eventId(slug, o.now, 'babysit', title, [...fresh.map((f) => f.detector)].join(','), phase)
    : eventId(slug, bucket, 'babysit-check', String(o.everyMs));
  const job = seen.handle
    ? {
        run: runLog,
        jobId: seen.handle.jobId,
        phase,
        evidence: seen.transportError
          ? `executor unreachable: ${seen.transportError}`
          : (seen.job?.evidence ?? 'no observation'),
      }
    : null;
  const cycleBase = {
    at: o.now.toISOString(),
    eventId: id,
    interesting,
    title,
    health,
    job,
    progress: {
      step,
      loss: loss !== null && Number.isFinite(loss) ? loss : null,
      throughput: tp ? `${fmt(tp.value)} ${tp.unit}` : null,
      finalStep,
    },
    checkpoints: seen.checkpoints
      ? {
          complete: seen.checkpoints.filter((c) => c.complete).length,
          newestStep: seen.checkpoints.filter((c) => c.complete).at(-1)?.step ?? null,
        }
      : null,
    wandb: seen.wandb,
    findings,
  };
  // A routine check already written in this cadence window: nothing new to say.
  if (!interesting && previous?.at !== null && previous?.at !== undefined && previous.at >= bucket.getTime()) {
    return {
      ...cycleBase,
      slug,
      path,
      written: false,
      mirror: 'none',
      commit: null,
      ended: ended !== undefined,
      flush: null,
      pushed: false,
    };
  }

  const decision = mirrorDecision(doc, kind, o.now);
  const fields: [string, string][] = [
    [
      'Status',
      `${phase}${health !== 'ok' ? ` — ${health === 'monitor_stale' ? 'monitor stale (the run may be healthy)' : 'run unhealthy'}` : ''}`,
    ],
    [
      'Job',
      job ? `${seen.handle!.executor} job ${seen.handle!.jobId}: ${phase}` : 'none tracked (no run log or job handle)',
    ],
    ['Progress', progressText(step, finalStep, loss, cycleBase.progress)],
    ['Evidence', evidence(seen, cycleBase)],
    [
      'Findings',
      findings.length === 0 ? 'none' : findings.map((f) => `${f.detector} (${f.severity}): ${f.evidence}`).join('; '),
    ],
    ['Decision', decisionText(health, ended?.state, failureClass)],
    ['Next', nextAction(slug, findings, fresh, ended?.state, failureClass, o.everyMs)],
  ];
  if ((kind === 'milestone' || kind === 'completion') && runLog) {
    const chart = await currentChart(ledger, runLog, path, o.push, seen.records, seen.attempt?.attempt ?? 1);
    if (chart) fields.push(['Chart', chart]);
  }
  // A cadence under a minute is written to the second, so entries keep their order and their age is exact.
  const r = await recordEvent(
    ledger,
    'babysit-event',
    {
      slug,
      path,
      at: o.now.toISOString(),
      seconds: o.everyMs < 60_000,
      title,
      fields,
      eventId: id,
      mirror: decision.mirror,
    },
    o,
  );
  return {
    ...cycleBase,
    slug,
    path,
    written: r.written,
    mirror: r.mirror,
    commit: r.commit,
    ended: ended !== undefined,
    flush: r.flush,
    pushed: r.pushed,
    ...((r.pushError ?? ctx.pushError) ? { pushError: r.pushError ?? ctx.pushError } : {}),
  };
}

/** The newest step, loss and throughput the output shows. */
function progressOf(seen: Observation) {
  const newestFirst = [...seen.records].reverse();
  return {
    step: newestFirst.find((r) => r.step !== undefined)?.step ?? null,
    loss: newestFirst.find((r) => r.loss !== undefined)?.loss ?? null,
    tp: newestFirst.find((r) => r.throughput)?.throughput,
  };
}

/**
 * A job that ended is recorded in the run log first, by the supervisor's own
 * pass: the same reason, failure class, final checkpoint and retry rules as
 * `runlog poll`. Returns the failure class the run log now holds.
 */
async function recordJobEnd(
  ctx: SuperviseContext,
  seen: Observation,
  runLog: string | null,
  ended: Ended | undefined,
): Promise<string | undefined> {
  if (!ended || !runLog) return undefined;
  if (seen.attempt?.idempotencyKey && seen.doc && !TERMINAL.has(seen.doc.view.state)) {
    const { pollPass } = await import('../jobs/pass.js');
    await pollPass(ctx, { runs: [runLog] });
  }
  if (ended.state === 'completed') return undefined;
  const key = seen.attempt?.idempotencyKey;
  const { readRunDoc } = await import('../jobs/launch.js');
  const bare = (v: string | undefined) => v?.replace(/`/g, '') || undefined;
  const block = key
    ? readRunDoc(ctx, runLog).view.jobs.find((j) => bare(j.fields['idempotency_key']) === key)
    : undefined;
  return bare(block?.fields['failure_class']) ?? ended.cls;
}

/** What this cycle is about, most important first: an ending, a new anomaly, a stale monitor, a quarter milestone, or a routine check. */
function eventOf(x: {
  previous: LogbookEntry | undefined;
  phase: string;
  ended: Ended | undefined;
  failureClass: string | undefined;
  fresh: Finding[];
  step: number | null;
  finalStep: number | null;
}): { kind: EventKind; title: string } {
  const { ended, failureClass, fresh, step, finalStep, phase } = x;
  const prevPhase = /: ([a-z_ ]+)$/.exec(field(x.previous?.fields ?? {}, 'Job') ?? '')?.[1];
  const prevStep = stepOf(x.previous);
  const quarter = (s: number) => Math.floor((4 * s) / finalStep!);
  const milestone =
    finalStep && step !== null && Number.isFinite(prevStep) && quarter(step) > quarter(prevStep) && step < finalStep
      ? `${Math.min(3, quarter(step)) * 25}%`
      : null;
  if (ended && prevPhase !== phase) {
    if (ended.state === 'completed') return { kind: 'completion', title: `babysit: completed at step ${fmt(step)}` };
    return {
      kind: 'failure',
      title: `babysit: crash — ${ended.state}${failureClass ? ` (${failureClass})` : ''} at step ${fmt(step)}`,
    };
  }
  const anomaly = fresh.find((f) => f.kind !== 'monitor_stale');
  if (anomaly) return { kind: 'anomaly', title: `babysit: ${anomaly.message}` };
  if (fresh.length > 0) return { kind: 'escalation', title: `babysit: monitor stale — ${fresh[0]!.message}` };
  if (milestone)
    return { kind: 'milestone', title: `babysit: milestone — step ${step} (${milestone} of ${finalStep})` };
  return { kind: 'check', title: `babysit check: ${phase}${step !== null ? `, step ${step}` : ''}` };
}

function progressText(
  step: number | null,
  finalStep: number | null,
  loss: number | null,
  shown: { loss: number | null; throughput: string | null },
): string {
  const steps =
    step !== null
      ? `step ${step}${finalStep ? ` / ${finalStep} (${Math.floor((100 * step) / finalStep)}%)` : ''}`
      : 'no step in the output yet';
  const lossText = shown.loss !== null ? `, loss ${fmt(loss)}` : loss !== null ? `, loss ${loss}` : '';
  return `${steps}${lossText}${shown.throughput ? `, ${shown.throughput}` : ''}`;
}

function evidence(
  seen: Observation,
  c: { checkpoints: BabysitCycleResult['checkpoints']; wandb: BabysitCycleResult['wandb'] },
): string {
  const parts: string[] = [];
  if (seen.transportError) parts.push(`executor unreachable: ${seen.transportError}`);
  else if (seen.job) parts.push(seen.job.evidence);
  if (seen.logPath)
    parts.push(
      seen.logMtime
        ? `output log \`${seen.logPath}\` updated ${new Date(seen.logMtime).toISOString()}`
        : `output log \`${seen.logPath}\` missing`,
    );
  if (c.checkpoints)
    parts.push(
      `${c.checkpoints.complete} complete checkpoint(s)${c.checkpoints.newestStep !== null ? `, newest step ${c.checkpoints.newestStep}` : ''}`,
    );
  if (c.wandb) parts.push(`W&B ${c.wandb.id}${c.wandb.step !== null ? ` at step ${c.wandb.step}` : ''}`);
  return parts.join('; ') || 'nothing observable (no job, log or output root)';
}

function decisionText(
  health: BabysitCycleResult['health'],
  ended: string | undefined,
  cls: string | undefined,
): string {
  if (ended === 'completed') return 'the job reports success; verify final artifacts before sealing';
  if (ended) {
    if (cls && RELAUNCHABLE.has(cls))
      return `recoverable (${cls}): relaunch with the same run id and output root, and notify the DRI`;
    return `not blindly relaunchable (${cls ?? 'unknown'}): escalate to the DRI`;
  }
  if (health === 'run_unhealthy') return 'alert the DRI; do not relaunch as if it were infrastructure';
  if (health === 'monitor_stale') return 'our monitoring is stale, not the run: fix the monitor before judging the run';
  return 'healthy; keep babysitting';
}

function nextAction(
  slug: string,
  findings: Finding[],
  fresh: Finding[],
  ended: string | undefined,
  cls: string | undefined,
  everyMs: number,
): string {
  if (ended === 'completed') return `verify the final checkpoint, W&B summary and logbook, then seal`;
  if (ended)
    return cls && RELAUNCHABLE.has(cls)
      ? `\`runlog hero launch ${slug} -- <same command>\` (relaunch), then \`runlog babysit ${slug}\``
      : 'DRI decides: fix and relaunch, or roll back';
  const f = fresh[0] ?? findings.find((x) => x.severity !== 'info');
  return f
    ? f.next
    : `next check in ${everyMs < 60_000 ? `${Math.round(everyMs / 1000)} s` : `${Math.round(everyMs / 60_000)} min`}`;
}

async function runDetectors(
  ledger: Ledger,
  doc: LogbookDoc,
  seen: Observation,
  o: BabysitOptions,
  x: { finalStep: number | null; ended?: string; failureClass?: string; step: number | null },
): Promise<Finding[]> {
  const d = await import('../signals/detectors/index.js');
  const { seriesOf } = await import('../signals/detectors/series.js');
  const t = d.resolveThresholds(
    ((ledger.config as Record<string, unknown>)['detectors'] ?? {}) as Record<string, unknown>,
  );
  const recs = seen.records;
  const out: Finding[] = [];
  const { scrubberFor } = await import('../core/scrub/scrub.js');
  out.push(
    ...d.detectNonFinite(
      recs.map((r) => ({ step: r.step, loss: r.loss, gradNorm: r.gradNorm, raw: r.raw })),
      scrubberFor(ledger.config.scrub.rules),
    ),
  );
  out.push(...d.detectLossSpike(seriesOf(recs, 'loss'), t));
  const tps = recs.filter((r) => r.throughput);
  if (tps.length > 0)
    out.push(
      ...d.detectThroughputCollapse(
        { samples: tps.map((r) => ({ value: r.throughput!.value, step: r.step })), unit: tps[0]!.throughput!.unit },
        t,
      ),
    );
  if (seen.checkpoints)
    out.push(
      ...d.detectCheckpointStall(
        {
          checkpoints: seen.checkpoints.map((c) => ({ step: c.step, complete: c.complete, path: c.path })),
          progress: recs,
        },
        t,
      ),
    );
  const last = lastBabysitEntry(doc);
  // A run that has ended has nothing left to monitor: its monitor is never stale.
  if (!x.ended && !(seen.doc && TERMINAL.has(seen.doc.view.state)))
    out.push(
      ...d.detectMonitorStale(
        {
          now: o.now,
          cadenceMinutes: o.everyMs / 60_000,
          lastCheckAt: last?.at ?? undefined,
          jobRunning: seen.job?.phase === 'running',
          logMtime: seen.logMtime ?? undefined,
        },
        t,
      ),
    );
  if (seen.job?.phase === 'queued' && seen.attempt?.submittedAt) {
    const since = Date.parse(seen.attempt.submittedAt.replace(/`/g, '').replace(' UTC', 'Z').replace(' ', 'T'));
    if (Number.isFinite(since))
      out.push(
        ...d.detectPendingTooLong({ since, now: o.now, reason: seen.job.reason, neverStarts: seen.job.neverStarts }, t),
      );
  }
  const failures = seen.attempts
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => /failed|lost|timed_out/.test(f['terminal_state'] ?? ''))
    .map(({ f, i }) => ({
      attempt: i + 1,
      step: Number(f['last_step']) || undefined,
      failureClass: f['failure_class'] as never,
    }));
  if (x.ended && x.ended !== 'completed' && !seen.attempt?.fields['terminal_state'])
    failures.push({ attempt: seen.attempts.length, step: x.step ?? undefined, failureClass: x.failureClass as never });
  if (failures.length >= 2) out.push(...d.detectRepeatedFailure(failures, t));
  if (x.finalStep)
    out.push(
      ...d.detectFinalStepMismatch({
        configFinalStep: x.finalStep,
        displayedTotal: [...recs].reverse().find((r) => r.total !== undefined)?.total,
        latestStep: x.step ?? undefined,
        ended: x.ended === 'completed',
      }),
    );
  if (seen.attempts.length >= 2) {
    const prevLog = attemptLog(LocalState.forLedger(ledger.root), seen.attempts[seen.attempts.length - 2]!);
    const current = seriesOf(recs, 'loss');
    if (prevLog && current.length > 0) {
      const { parseProgress, readTail } = await import('../signals/progress.js');
      const previous = seriesOf(parseProgress(await readTail(prevLog, 256 * 1024).catch(() => '')), 'loss');
      out.push(...d.detectResumeMismatch({ previous, current, resumeStep: current[0]!.step }, t));
    }
  }
  if (x.ended === 'completed') {
    const complete = seen.checkpoints?.filter((c) => c.complete) ?? [];
    out.push(
      ...d.detectMissingArtifacts({
        succeeded: true,
        finalCheckpoint: seen.checkpoints
          ? complete.length > 0
            ? { path: complete.at(-1)!.path, complete: true }
            : null
          : undefined,
        wandbSummary: seen.wandb ? true : undefined,
      }),
    );
  }
  return out;
}
