/**
 * Campaign entries in a supervision pass. Per campaign this machine
 * launched (its launch plan is in local state), the pass reads the entries'
 * front matter, asks `planCampaign` what to do, and then:
 *
 * - halts it (fail_fast saw a failure): one commit cancels what never started;
 * - launches a wave of due entries, each through the normal preflight:
 *   one commit for every intent (or rejection), the submit (a Slurm job
 *   array is one sbatch; other executors one submit per entry), one commit
 *   for every launch. A supervisor killed in between finds the wave again
 *   by its key and adopts it, so nothing is launched twice.
 *
 * Commands come only from the local launch plan, never from the tree.
 */
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { loadLocalPlan, type LocalPlan } from '../campaigns/local-plan.js';
import { campaignFile, CAMPAIGN_ID, entryOfRunId, SUMMARY_FILE } from '../campaigns/paths.js';
import { entryClocks } from '../campaigns/policy.js';
import { planCampaign, type EntryView } from '../campaigns/schedule.js';
import { parseSummary } from '../campaigns/summary.js';
import { isState, TERMINAL, type RunState } from '../core/lifecycle.js';
import { parseMemMb } from '../core/units.js';
import { parseDuration } from '../core/time.js';
import type { Operation } from '../core/operation.js';
import type { JobHandle } from '../executors/types.js';
import type { JobField, JobOpResult } from '../ledger/ops/jobs.js';
import { RunLogDoc } from '../markdown/runlog.js';
import { code, F, idempotencyKey, latestAttempt } from './attempt.js';
import type { SuperviseContext } from './context.js';
import {
  launchOp,
  newPreflightMemo,
  noteRecordedCommand,
  prepareAttempt,
  refusedOp,
  type PreparedAttempt,
} from './launch.js';
import { jobOfAttempt, loadPlan, requestOf, saveLaunch, savePlan, type LaunchPlan } from './plan.js';
import type { PassChange, PassReport } from './pass.js';

const HEAD_BYTES = 2048;
const FRONT = /^---\r?\n([\s\S]*?)\r?\n---/;

interface Head {
  runId: string;
  entry: string;
  abs: string;
  state: RunState;
  failureClass: string | null;
}

/** A campaign run log's state and failure class from its front matter, without parsing the body. */
function readHead(abs: string): { state?: string; campaign?: string; failureClass?: string } {
  const fd = openSync(abs, 'r');
  try {
    const buf = Buffer.allocUnsafe(HEAD_BYTES);
    const fm = FRONT.exec(buf.toString('utf8', 0, readSync(fd, buf, 0, HEAD_BYTES, 0)))?.[1] ?? '';
    const field = (k: string) => new RegExp(`^${k}:[ \\t]*["']?([^"'\\r\\n]*?)["']?[ \\t]*$`, 'm').exec(fm)?.[1];
    return { state: field('state'), campaign: field('campaign'), failureClass: field('failure_class') };
  } finally {
    closeSync(fd);
  }
}

/** The entries of a campaign folder whose front matter names the campaign. */
function campaignHeads(ctx: SuperviseContext, id: string): Head[] {
  const folder = join(ctx.ledger.root, ctx.ledger.config.runs_dir, id);
  const heads: Head[] = [];
  for (const f of readdirSync(folder)) {
    if (!/^\d{4}-\d{2}-\d{2}_.+\.md$/.test(f)) continue;
    const abs = join(folder, f);
    const h = readHead(abs);
    if (h.campaign !== id || !h.state || !isState(h.state)) continue;
    const runId = `${id}/${f.slice(0, -3)}`;
    heads.push({ runId, entry: entryOfRunId(runId), abs, state: h.state, failureClass: h.failureClass ?? null });
  }
  return heads;
}

/** Campaign folders with a launch plan on this machine, and the plans. */
function localCampaigns(ctx: SuperviseContext): LocalPlan[] {
  const base = join(ctx.ledger.root, ctx.ledger.config.runs_dir);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((d) => CAMPAIGN_ID.test(d))
    .map((d) => loadLocalPlan(ctx.ledger.gitDir, d))
    .filter((p): p is LocalPlan => p !== undefined);
}

/** Executor resources from the manifest's `resources:` keys. */
function resourcesOf(r: Record<string, string | number | boolean>): LaunchPlan['resources'] {
  const out: LaunchPlan['resources'] = {};
  if (typeof r['gpus'] === 'number') out['gpus'] = r['gpus'];
  if (typeof r['cpus'] === 'number') out['cpus'] = r['cpus'];
  if (r['mem'] !== undefined) out['memMb'] = parseMemMb(String(r['mem']), 'resources.mem');
  if (typeof r['time'] === 'string') out['timeLimitSec'] = Math.ceil(parseDuration(r['time'], 'resources.time') / 1000);
  for (const k of ['partition', 'gres', 'account', 'qos', 'constraint'] as const)
    if (typeof r[k] === 'string') out[k] = r[k];
  if (typeof r['requeue'] === 'boolean') out['requeue'] = r['requeue'];
  return out;
}

/** The request of one entry's attempt, from the local launch plan only. */
export function entryPlan(local: LocalPlan, entry: string): LaunchPlan | undefined {
  const m = local.manifest;
  const e = m.entries.find((x) => x.name === entry);
  if (!e) return undefined;
  const clocks = entryClocks(m.policy, e.policy, e.kind);
  return {
    schema: 1,
    executor: m.executor,
    cluster: m.cluster,
    host: m.host,
    argv: e.command,
    cwd: local.cwd,
    resources: resourcesOf({ ...m.resources, ...e.resources }),
    allowDirty: false,
    timeoutMs: clocks.timeoutMs ?? 0,
    heartbeatMs: clocks.heartbeatMs,
    retries: clocks.retries,
    infraRetries: clocks.infraRetries,
    stallAction: clocks.stallAction,
    backoffMs: clocks.backoffMs,
    backoffMaxMs: clocks.backoffMaxMs,
    campaign: { id: local.id, entry, checkpoints: m.checkpoints, wandbStrict: m.wandb.strict },
  };
}

interface Due {
  runId: string;
  plan: LaunchPlan;
  key: string;
}

/** The pending entries that may start now, in manifest order, at most `limit`. */
function dueEntries(ctx: SuperviseContext, local: LocalPlan, candidates: string[], limit: number): Due[] {
  const due: Due[] = [];
  const now = ctx.now().getTime();
  for (const runId of candidates) {
    if (due.length >= limit) break;
    const doc = new RunLogDoc(
      readFileSync(join(ctx.ledger.root, ctx.ledger.config.runs_dir, `${runId}.md`), 'utf8'),
      runId,
    );
    if (doc.errors.length > 0 || doc.view.state !== 'pending') continue;
    const a = latestAttempt(doc);
    // A scheduled attempt (retry, resume) waits out its backoff; a first attempt is due at once.
    if (a?.idempotencyKey && (a.jobId || (a.notBefore !== undefined && Date.parse(a.notBefore) > now))) continue;
    const attempt = a?.idempotencyKey ? a.attempt : doc.view.attempt;
    const entry = entryOfRunId(runId);
    // A retry's request was saved in local state when it was scheduled (a resume names the checkpoint there).
    const saved = loadPlan(ctx.state, idempotencyKey(runId, attempt));
    const plan = saved ? requestOf(saved) : entryPlan(local, entry);
    if (plan) due.push({ runId, plan, key: idempotencyKey(runId, attempt) });
  }
  return due;
}

/** One pass over one campaign: halt, launch a wave, or nothing. Returns the entries still waiting. */
async function campaignStep(ctx: SuperviseContext, local: LocalPlan, note: (c: PassChange) => void): Promise<number> {
  const id = local.id;
  const heads = campaignHeads(ctx, id);
  const order = new Map(local.manifest.entries.map((e, i) => [e.name, i]));
  heads.sort((a, b) => (order.get(a.entry) ?? 1e9) - (order.get(b.entry) ?? 1e9));
  const summaryText = readFileSync(
    join(ctx.ledger.root, campaignFile(ctx.ledger.config.runs_dir, id, SUMMARY_FILE)),
    'utf8',
  );
  const summary = parseSummary(summaryText);
  const entries: EntryView[] = heads
    .filter((h) => order.has(h.entry))
    .map((h) => ({ runId: h.runId, entry: h.entry, state: h.state, failureClass: h.failureClass }));
  const decision = planCampaign({
    id,
    maxParallel: local.maxParallel,
    failFast: local.manifest.policy.fail_fast,
    halted: summary?.halted != null,
    acknowledged: summary?.acknowledged_failures ?? [],
    entries,
  });
  const at = ctx.now().toISOString();
  if (decision.kind === 'halt') {
    const c = await ctx.commit<{ canceled: string[] }>({
      kind: 'campaign-halt',
      args: { campaign: id, reason: decision.reason, at, runs: decision.cancel },
    });
    note({
      id,
      attempt: 0,
      from: 'running',
      to: 'halted',
      action: 'state',
      message: decision.reason,
      commit: c.commit,
    });
    return 0;
  }
  const waiting = entries.filter((e) => e.state === 'pending').length;
  if (decision.kind === 'none') return decision.why.startsWith('halted') ? 0 : waiting;
  // Slurm throttles the array itself: an idle campaign gets every due entry in one array at max_parallel.
  const slurm = local.manifest.executor === 'slurm';
  const limit = slurm && decision.active === 0 ? Number.POSITIVE_INFINITY : decision.free;
  const due = dueEntries(ctx, local, decision.candidates, limit);
  if (due.length === 0) return waiting;
  await launchWave(
    ctx,
    id,
    due,
    slurm ? Math.min(local.maxParallel, decision.active === 0 ? local.maxParallel : decision.free) : local.maxParallel,
    note,
  );
  return waiting;
}

/** Every local campaign: scheduling after the pass has recorded this round's endings. */
export async function campaignsPass(
  ctx: SuperviseContext,
  report: PassReport,
  note: (c: PassChange) => void,
): Promise<void> {
  for (const local of localCampaigns(ctx)) {
    try {
      report.runs += await campaignStep(ctx, local, note);
    } catch (err) {
      note({
        id: local.id,
        attempt: 0,
        from: 'pending',
        to: 'pending',
        action: 'error',
        message: err instanceof Error ? err.message : String(err),
        commit: null,
      });
    }
  }
}

function waveOf(ctx: SuperviseContext, campaign: string, key: string): { key: string; name: string; dir: string } {
  const stamp = key.slice(campaign.length + 1);
  return { key, name: campaign, dir: join(ctx.settings.outputRoot, campaign, '_waves', stamp) };
}

/**
 * Launch due entries as one wave: preflight each (shared facts computed
 * once), one commit of intents and rejections, the submit, one commit of
 * launches. Slurm entries go out as one job array.
 */
export async function launchWave(
  ctx: SuperviseContext,
  campaign: string,
  due: Due[],
  throttle: number,
  note: (c: PassChange) => void,
): Promise<void> {
  const memo = newPreflightMemo();
  const prepared: PreparedAttempt[] = [];
  const first: Omit<Operation, 'v'>[] = [];
  const slurm = due[0]!.plan.executor === 'slurm';
  const key = `${campaign}#wave-${ctx.now().toISOString().replace(/[:.]/g, '')}`;
  for (const d of due) {
    savePlan(ctx.state, d.key, d.plan);
    const p = await prepareAttempt(ctx, d.runId, d.plan, { memo });
    if (!p.op) continue;
    if (!p.rejected && slurm)
      (p.op.args['fields'] as JobField[]).push(['array_wave', code(key)], ['array_index', String(prepared.length)]);
    first.push(p.op);
    if (p.rejected)
      note({
        id: d.runId,
        attempt: p.attempt,
        from: p.from,
        to: 'validation_failed',
        action: 'error',
        message: p.rejected.map((r) => `[${r.rule}] ${r.message}`).join('; '),
        commit: null,
      });
    else prepared.push(p);
  }
  await ctx.commit({
    kind: 'batch',
    args: {
      subject: `${campaign}: launch intent for ${prepared.length} run(s)${prepared.length < due.length ? `, ${due.length - prepared.length} rejected` : ''}`,
      ops: first,
    },
  });
  for (const p of prepared) noteRecordedCommand(ctx, p.runId, p.key);
  if (prepared.length === 0) return;
  await submitPrepared(ctx, campaign, prepared, slurm ? waveOf(ctx, campaign, key) : undefined, throttle, note);
}

async function submitPrepared(
  ctx: SuperviseContext,
  campaign: string,
  prepared: PreparedAttempt[],
  wave: { key: string; name: string; dir: string } | undefined,
  throttle: number,
  note: (c: PassChange) => void,
): Promise<void> {
  const executor = await ctx.executor(prepared[0]!.plan.executor, prepared[0]!.plan.cluster);
  const ops: Omit<Operation, 'v'>[] = [];
  const handles = new Map<PreparedAttempt, JobHandle>();
  if (wave && executor.submitWave) {
    try {
      const hs = await executor.submitWave(
        prepared.map((p) => p.spec),
        { ...wave, throttle },
      );
      for (const [i, p] of prepared.entries()) handles.set(p, hs[i]!);
    } catch (err) {
      for (const p of prepared) ops.push(refusedOp(p, err instanceof Error ? err.message : String(err), ctx.now()));
    }
  } else {
    for (const p of prepared) {
      try {
        handles.set(p, await executor.submit(p.spec));
      } catch (err) {
        ops.push(refusedOp(p, err instanceof Error ? err.message : String(err), ctx.now()));
      }
    }
  }
  for (const [p, h] of handles) {
    saveLaunch(ctx.state, p.key, h);
    ops.push(launchOp(p, h, ctx.now()));
  }
  const c = await ctx.commit<{ results: JobOpResult[] }>({
    kind: 'batch',
    args: {
      subject:
        `${campaign}: launch ${handles.size} run(s)${wave ? ` as Slurm array ${handles.values().next().value?.extra?.['arrayJob'] ?? ''}` : ''}`.trim(),
      ops,
    },
  });
  for (const [p, h] of handles)
    note({
      id: p.runId,
      attempt: p.attempt,
      from: p.from,
      to: p.plan.executor === 'local' ? 'running' : 'queued',
      action: 'launch',
      message: `launched ${h.jobId}`,
      jobId: h.jobId,
      commit: c.commit,
    });
}

/**
 * Entries whose launch was cut off after the intent (validating, no job id),
 * found again: a Slurm wave by its key (adopted, or submitted now if sbatch
 * never ran), anything else by its own idempotency key.
 */
export async function adoptWaves(
  ctx: SuperviseContext,
  runIds: string[],
  note: (c: PassChange) => void,
): Promise<string[]> {
  const byWave = new Map<string, { campaign: string; items: { index: number; p: PreparedAttempt }[] }>();
  const rest: string[] = [];
  for (const runId of runIds) {
    const doc = new RunLogDoc(
      readFileSync(join(ctx.ledger.root, ctx.ledger.config.runs_dir, `${runId}.md`), 'utf8'),
      runId,
    );
    const a = latestAttempt(doc);
    const waveKey = a?.fields['array_wave']?.replace(/`/g, '');
    const campaign = runId.split('/')[0]!;
    const local = loadLocalPlan(ctx.ledger.gitDir, campaign);
    if (!waveKey || !a || !local || !waveKey.startsWith(`${campaign}#`)) {
      rest.push(runId);
      continue;
    }
    const saved = loadPlan(ctx.state, a.idempotencyKey ?? '');
    if (saved?.preflightPassedAt === undefined) continue;
    const plan = requestOf(saved);
    const p = await prepareAttempt(ctx, runId, plan);
    const w = byWave.get(waveKey) ?? { campaign, items: [] };
    w.items.push({ index: Number(a.fields['array_index'] ?? '0'), p });
    byWave.set(waveKey, w);
  }
  for (const [key, w] of byWave) {
    const items = w.items.sort((x, y) => x.index - y.index).map((x) => x.p);
    const local = loadLocalPlan(ctx.ledger.gitDir, w.campaign)!;
    await submitPrepared(ctx, w.campaign, items, waveOf(ctx, w.campaign, key), local.maxParallel, note);
  }
  return rest;
}

/** Slurm arrays the given runs' live attempts belong to, throttled to `n`; the arrays updated. */
export async function liveArrays(ctx: SuperviseContext, runIds: string[], n: number): Promise<string[]> {
  const byCluster = new Map<string, Set<string>>();
  for (const runId of runIds) {
    const doc = new RunLogDoc(
      readFileSync(join(ctx.ledger.root, ctx.ledger.config.runs_dir, `${runId}.md`), 'utf8'),
      runId,
    );
    const a = latestAttempt(doc);
    // The array this machine submitted, from its own record; a Job block's array id is never acted on.
    const job = a ? jobOfAttempt(ctx.state, a) : 'none';
    const array = typeof job !== 'string' && job.executor === 'slurm' ? job.extra?.['arrayJob'] : undefined;
    if (!array) continue;
    const set = byCluster.get(a!.cluster ?? '') ?? new Set<string>();
    set.add(array);
    byCluster.set(a!.cluster ?? '', set);
  }
  const updated: string[] = [];
  for (const [cluster, arrays] of byCluster) {
    const executor = await ctx.executor('slurm', cluster || undefined);
    if (executor.throttleWaves) updated.push(...(await executor.throttleWaves([...arrays], n)));
  }
  return updated;
}

/**
 * Stop the live attempts of these runs (a Slurm array with one scancel, other
 * jobs one by one) and return the operations that record them cancelled.
 */
export async function stopWave(
  ctx: SuperviseContext,
  runIds: string[],
  reason: string,
  graceMs?: number,
): Promise<Omit<Operation, 'v'>[]> {
  const ops: Omit<Operation, 'v'>[] = [];
  const arrays = new Map<string, Set<string>>();
  const singles: { handle: JobHandle; cluster?: string }[] = [];
  for (const runId of runIds) {
    const doc = new RunLogDoc(
      readFileSync(join(ctx.ledger.root, ctx.ledger.config.runs_dir, `${runId}.md`), 'utf8'),
      runId,
    );
    const a = latestAttempt(doc);
    if (!a?.idempotencyKey || TERMINAL.has(doc.view.state)) continue;
    // Only jobs this machine launched are stopped; one launched elsewhere is recorded cancelled, never signalled.
    const job = jobOfAttempt(ctx.state, a);
    const handle = typeof job === 'string' ? undefined : job;
    const array = handle?.executor === 'slurm' ? handle.extra?.['arrayJob'] : undefined;
    if (array) arrays.set(a.cluster ?? '', (arrays.get(a.cluster ?? '') ?? new Set()).add(array));
    else if (handle) singles.push({ handle, cluster: a.cluster });
    ops.push({
      kind: 'job-end',
      run: runId,
      args: {
        run: runId,
        key: a.idempotencyKey,
        at: ctx.now().toISOString(),
        state: 'canceled',
        failureClass: 'cancelled',
        reason,
        metrics: {},
        fields: [
          [
            F.evidence,
            code(
              handle
                ? `stop requested for ${handle.executor} job ${handle.jobId}`
                : job === 'foreign'
                  ? 'launched from another clone: nothing was signalled from here'
                  : 'no job was started for this attempt',
            ),
          ],
        ],
      },
    });
  }
  for (const [cluster, ids] of arrays) {
    const executor = await ctx.executor('slurm', cluster || undefined);
    await executor.cancelWaves?.([...ids]);
  }
  await Promise.all(
    singles.map(async (s) =>
      (await ctx.executor(s.handle.executor, s.cluster)).cancel(s.handle, {
        graceMs: graceMs ?? ctx.settings.killGraceMs,
      }),
    ),
  );
  return ops;
}
