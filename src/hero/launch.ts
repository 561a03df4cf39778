/**
 * `runlog hero launch`: print and validate the checklist, then launch through
 * the executor submit path (the run log linked in the Run Contract gets the
 * Job block), then record a Launched Instance and a launch event in the
 * logbook (`<run>: log launch`, or `log relaunch` with the config diff).
 */
import { resolve } from 'node:path';
import { rejected, failed, type RunlogError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import type { HeroLaunchArgs, LogbookWriteResult } from '../ledger/ops/logbook.js';
import { compileRules } from '../core/scrub/scrub.js';
import { field, LogbookDoc } from '../markdown/logbook.js';
import { ledgerExcludes } from '../preflight/git-tree.js';
import { buildChecklist, type Checklist, type LaunchRequest } from './checklist.js';
import { eventId, mirrorDecision } from './mirror-policy.js';
import { LOGBOOK_DIR, resolveLogbook } from '../ledger/read/logbooks.js';
import { flushLogbook, type FlushResult } from './logbook-mirror.js';
import { commit } from '../ledger/commit.js';
import { readInside } from '../core/confined-fs.js';

export interface HeroLaunchOptions extends LaunchRequest {
  ref: string;
  /** SSH executor: a hosts: profile or an ssh destination. */
  host?: string;
  dryRun: boolean;
  at: Date;
  push: boolean;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
}

export interface HeroLaunchOutcome {
  slug: string;
  path: string;
  relaunch: boolean;
  instance: string;
  checklist: Checklist;
  submitted: { run: string; executor: string; jobId: string; outputPath: string; attempt: number } | null;
  eventId: string | null;
  mirror: 'pending' | 'posted' | 'none' | null;
  /** Why the launch event was or was not posted to the issue. */
  why: string;
  flush: FlushResult | null;
  commit: string | null;
  pushed: boolean;
  pushError?: RunlogError;
}

/** `.agents/logbooks/<slug>/instance-<n>.config.json`: what the next relaunch diffs against. */
export function configSnapshotPath(slug: string, n: number): string {
  return `${LOGBOOK_DIR}/${slug}/instance-${n}.config.json`;
}

/** The run log id named by the Run Contract's `Run log:` field, or null. */
export function linkedRunLog(ledger: Ledger, contract: Record<string, string>): string | null {
  const raw = (field(contract, 'Run log') ?? '').replace(/`/g, '').trim();
  const prefix = `${ledger.config.runs_dir}/`;
  if (!raw.startsWith(prefix) || !raw.endsWith('.md')) return null;
  return raw.slice(prefix.length, -3);
}

/**
 * Check the launch against its checklist (refusing with every blocking item),
 * submit the job through the executor, then record the instance and the
 * launch event in the logbook in one commit and mirror the event.
 */
export async function heroLaunch(ledger: Ledger, o: HeroLaunchOptions): Promise<HeroLaunchOutcome> {
  const plan = await checkLaunch(ledger, o);
  const { slug, path, doc, n, relaunch, checklist } = plan;
  const base: HeroLaunchOutcome = {
    slug,
    path,
    relaunch,
    instance: plan.instance,
    checklist,
    submitted: null,
    eventId: null,
    mirror: null,
    why: 'dry run',
    flush: null,
    commit: null,
    pushed: false,
  };
  if (o.dryRun) return base;

  const submitted = await submitThroughExecutor(ledger, plan.runLog, o, checklist, relaunch);
  const decision = mirrorDecision(doc, relaunch ? 'relaunch' : 'launch', o.at);
  const id = eventId(slug, o.at, 'launch', String(n), submitted.jobId);
  const value = checklistValue(checklist);
  const args: HeroLaunchArgs = {
    slug,
    path,
    at: o.at.toISOString(),
    relaunch,
    instance: { title: plan.instance, fields: instanceFields(plan, submitted, value) },
    entry: {
      at: o.at.toISOString(),
      title: relaunch ? `relaunch: ${plan.instance}` : `launch: ${plan.instance}`,
      fields: [
        ['Status', `${submitted.executor} job ${submitted.jobId} submitted`],
        [
          'Evidence',
          `checklist passed (${checklist.items.length} items); git ${checklist.sha?.slice(0, 12) ?? '?'}; output root ${checklist.outputRoot}`,
        ],
        [
          'Decision',
          relaunch
            ? `relaunch with the same run id and output root${checklist.drift.length > 0 ? `; drift acknowledged: ${checklist.drift.map((d) => d.key).join(', ')}` : '; no config drift'}`
            : 'launch',
        ],
        [
          'Next',
          `babysit: \`runlog babysit ${slug}\` (first check in ~2 min, then every ${value('Babysitter/check cadence').replace(/ \(inferred\)$/, '')})`,
        ],
      ],
      eventId: id,
      mirror: decision.mirror,
    },
    files: checklist.config
      ? [{ path: configSnapshotPath(slug, n), content: `${JSON.stringify(checklist.config, null, 2)}\n` }]
      : [],
  };
  const tx = await commit<LogbookWriteResult>(
    ledger,
    { kind: 'hero-launch', run: slug, args: args as unknown as Record<string, unknown> },
    { push: o.push },
  );
  const flush =
    decision.mirror === 'pending'
      ? await flushLogbook(ledger, path, { push: o.push, apiUrl: o.apiUrl, env: o.env })
      : null;
  const posted = flush?.posted.some((p) => p.eventId === id) ?? false;
  const pushError = tx.pushError ?? flush?.pushError;
  return {
    ...base,
    submitted,
    eventId: id,
    mirror: posted ? 'posted' : decision.mirror,
    why: decision.why,
    flush,
    commit: tx.commit,
    pushed: tx.pushed || (flush?.pushed ?? false),
    ...(pushError ? { pushError } : {}),
  };
}

interface LaunchPlan {
  slug: string;
  path: string;
  doc: LogbookDoc;
  /** The new instance's number (1 for the first launch). */
  n: number;
  relaunch: boolean;
  instance: string;
  checklist: Checklist;
  runLog: string;
}

/** The logbook, its checklist for this launch, and the linked run log; throws LAUNCH_BLOCKED with every blocking item. */
async function checkLaunch(ledger: Ledger, o: HeroLaunchOptions): Promise<LaunchPlan> {
  const { slug, path } = resolveLogbook(ledger.root, o.ref);
  const doc = new LogbookDoc(readInside(ledger.root, path) ?? '', path);
  const previous = doc.instances.at(-1);
  const relaunch = previous !== undefined;
  const n = doc.instances.length + 1;
  const previousConfig = relaunch ? readSnapshot(ledger, configSnapshotPath(slug, n - 1)) : null;
  const checklist = await buildChecklist(o, {
    contract: doc.contract,
    previous,
    previousConfig,
    excludes: ledgerExcludes(ledger.root, ledger.gitTop, ledger.config.runs_dir),
    scrubRules: compileRules(ledger.config.scrub.rules),
  });
  const runLog = linkedRunLog(ledger, doc.contract);
  if (!runLog)
    checklist.blocked.push(
      `Run log: ${path} links no run log (Run Contract "Run log:"); the executor records the job there. Start hero runs with \`runlog hero init\``,
    );
  if (checklist.blocked.length > 0 || !runLog) {
    throw rejected(
      'LAUNCH_BLOCKED',
      `${slug} was not launched: ${checklist.blocked.join('; ')}`,
      'fix or explicitly approve each blocking item (see the checklist), then run `runlog hero launch` again; nothing was launched or written',
      {
        checklist: checklist.items,
        blocked: checklist.blocked,
      },
    );
  }
  return {
    slug,
    path,
    doc,
    n,
    relaunch,
    instance: `${slug} instance ${n}${relaunch ? ' (relaunch)' : ''}`,
    checklist,
    runLog,
  };
}

/** A checklist item's value as the logbook records it, `(inferred)` on a guessed one. */
function checklistValue(checklist: Checklist): (name: string) => string {
  return (name) => {
    const i = checklist.items.find((x) => x.item === name);
    if (!i) return '';
    return i.source === 'inferred' && !i.value.includes('(inferred)') ? `${i.value} (inferred)` : i.value;
  };
}

/** The Launched Instances block: what ran, where, from which code and config. */
function instanceFields(
  plan: LaunchPlan,
  submitted: NonNullable<HeroLaunchOutcome['submitted']>,
  value: (name: string) => string,
): [string, string][] {
  const { checklist, slug, n } = plan;
  const fields: [string, string][] = [
    ['Command', `\`${checklist.command}\``],
    [
      'Job',
      `${submitted.executor} job ${submitted.jobId} (run log \`${submitted.run}\`, attempt ${submitted.attempt}); output \`${submitted.outputPath}\``,
    ],
    ['DRI', value('DRI')],
    ['Git SHA', value('Git SHA')],
    ['Dirty tree', value('Dirty tree')],
    ['Source bundle/container', value('Source bundle/container')],
    ['Hardware/topology', value('Hardware/topology')],
    ['W&B', value('W&B')],
    ['Output root', `\`${checklist.outputRoot}\``],
    ['`initialize_from`', value('initialize_from')],
    ['Final step', value('Final step')],
    ['Checkpoint policy', value('Checkpoint retention')],
    ['Babysitter/check cadence', value('Babysitter/check cadence')],
  ];
  if (checklist.items.some((i) => i.item === 'Config'))
    fields.push(['Config', `${value('Config')}; snapshot \`${configSnapshotPath(slug, n)}\``]);
  if (plan.relaunch) fields.push(['Config diff vs previous', value('Config drift vs previous instance')]);
  return fields;
}

function readSnapshot(ledger: Ledger, rel: string): Record<string, unknown> | null {
  try {
    return JSON.parse(readInside(ledger.root, rel) ?? 'null') as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * The executor submit path of `runlog submit`: a relaunch first opens a new
 * attempt in the run log (the previous one must have ended), then the run
 * log's pending attempt is submitted with its preflight.
 */
async function submitThroughExecutor(
  ledger: Ledger,
  runLog: string,
  o: HeroLaunchOptions,
  checklist: Checklist,
  relaunch: boolean,
): Promise<NonNullable<HeroLaunchOutcome['submitted']>> {
  const { createContext } = await import('../jobs/context.js');
  const { submitRun, readRunDoc } = await import('../jobs/launch.js');
  const ctx = createContext(ledger, { push: o.push });
  const doc = readRunDoc(ctx, runLog);
  if (relaunch || doc.view.state !== 'pending') {
    const { TERMINAL } = await import('../core/lifecycle.js');
    const state = doc.view.state;
    if (!TERMINAL.has(state) && state !== 'stalled' && state !== 'lost' && state !== 'pending') {
      throw failed(
        'RUN_ACTIVE',
        `run log ${runLog} is ${state}: the previous instance has not ended`,
        `let \`runlog babysit\` record its end (or stop it), then relaunch`,
      );
    }
    if (state !== 'pending') {
      await ctx.commit({
        kind: 'resume',
        run: runLog,
        args: { run: runLog, at: o.at.toISOString(), label: 'relaunch', from: checklist.initializeFrom?.abs },
      });
    }
  }
  const outcome = await submitRun(ctx, {
    run: runLog,
    argv: o.argv,
    cwd: resolve(o.cwd),
    executor: o.executor,
    host: o.host,
    // Hero relaunches are deliberate (`hero launch`), never automatic retries.
    retries: 0,
    initFrom: checklist.initializeFrom?.abs,
    allowDirty: o.approvedBy !== undefined,
    image: o.container,
    resources: {},
    // The job writes under the pinned root (a URI root is the job's own business: runlog cannot create dirs there).
    ...(checklist.outputRoot?.startsWith('/') ? { outputRoot: checklist.outputRoot } : {}),
  });
  if (!outcome.jobId || !outcome.outputLog)
    throw failed('SUBMIT_INCOMPLETE', `the executor gave no job id for ${runLog}`, `see \`runlog show ${runLog}\``);
  return {
    run: runLog,
    executor: outcome.executor,
    jobId: outcome.jobId,
    outputPath: outcome.outputLog,
    attempt: outcome.attempt,
  };
}
