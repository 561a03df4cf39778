/**
 * Every operation kind that can be committed, and so replayed. Each kind
 * loads its module on first use: `append` should not pay at start-up for the
 * job, logbook and artifact operations it never applies, while replay must
 * still know every kind it may meet.
 *
 * Every operation passes one hook on its way out: when it changed a run log
 * of a campaign, the campaign's summary.json and campaign.md are rewritten
 * in the same commit (see ./campaign.ts).
 */
import { scrubberFor } from '../../core/scrub/scrub.js';
import type { Applied, Operation } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { prepareOperation, type OperationKind } from './args.js';

type AnyApply = (view: LedgerView, args: never) => Promise<Applied> | Applied;
type Loader = () => Promise<AnyApply>;

const record =
  (
    name: 'applyAppend' | 'applyCancel' | 'applyComplete' | 'applyFail' | 'applyNew' | 'applyRequest' | 'applyResume',
  ): Loader =>
  async () =>
    (await import('./record.js'))[name];
const indexFiles =
  (name: 'applyInit' | 'applyRebuildExperiments' | 'applyRebuildTimeline'): Loader =>
  async () =>
    (await import('./index-files.js'))[name];
const artifacts =
  (
    name: 'applyPassportRecord' | 'applyPruneRecord' | 'applySealRecord' | 'applySignoffRecord' | 'applyWandbRecord',
  ): Loader =>
  async () =>
    (await import('./artifacts.js'))[name];
const job =
  (kind: string): Loader =>
  async () =>
    (await import('./jobs.js')).JOB_OPERATIONS[kind as keyof typeof import('./jobs.js')['JOB_OPERATIONS']] as AnyApply;
const campaign =
  (
    name:
      | 'applyCampaignLaunch'
      | 'applyCampaignHalt'
      | 'applyCampaignResume'
      | 'applyCampaignFetch'
      | 'applyCampaignSet',
  ): Loader =>
  async () =>
    (await import('./campaign.js'))[name] as AnyApply;
const logbook =
  (kind: string): Loader =>
  async () =>
    (await import('./logbook.js')).LOGBOOK_OPERATIONS[
      kind as keyof typeof import('./logbook.js')['LOGBOOK_OPERATIONS']
    ] as AnyApply;

const REGISTRY: Record<OperationKind, Loader> = {
  init: indexFiles('applyInit'),
  new: record('applyNew'),
  append: record('applyAppend'),
  complete: record('applyComplete'),
  fail: record('applyFail'),
  cancel: record('applyCancel'),
  resume: record('applyResume'),
  request: record('applyRequest'),
  timeline: indexFiles('applyRebuildTimeline'),
  experiments: indexFiles('applyRebuildExperiments'),
  'ckpt-prune': artifacts('applyPruneRecord'),
  'ckpt-passport': artifacts('applyPassportRecord'),
  'ckpt-signoff': artifacts('applySignoffRecord'),
  seal: artifacts('applySealRecord'),
  wandb: artifacts('applyWandbRecord'),
  'job-intent': job('job-intent'),
  'job-launch': job('job-launch'),
  'job-reject': job('job-reject'),
  'job-update': job('job-update'),
  'job-end': job('job-end'),
  'job-requeue': async () => (await import('./job-requeue.js')).applyJobRequeue as AnyApply,
  'hero-init': logbook('hero-init'),
  'hero-event': logbook('hero-event'),
  'hero-launch': logbook('hero-launch'),
  'babysit-event': logbook('babysit-event'),
  'hero-link': logbook('hero-link'),
  'mirror-posted': logbook('mirror-posted'),
  plot: async () => (await import('./plot.js')).applyPlot as AnyApply,
  'campaign-launch': campaign('applyCampaignLaunch'),
  'campaign-halt': campaign('applyCampaignHalt'),
  'campaign-resume': campaign('applyCampaignResume'),
  'campaign-fetch': campaign('applyCampaignFetch'),
  'campaign-set': campaign('applyCampaignSet'),
  batch: async () => {
    const { applyBatch } = await import('./campaign.js');
    return ((view: LedgerView, args: Parameters<typeof applyBatch>[1]) =>
      applyBatch(view, args, applyPrepared)) as AnyApply;
  },
};

/** The kinds replay understands (tests check each resolves to an apply function). */
export const OPERATION_KINDS = Object.keys(REGISTRY) as OperationKind[];

/** Apply an operation that already passed the door. */
async function applyPrepared(view: LedgerView, ready: Operation): Promise<Applied> {
  const apply = await REGISTRY[ready.kind as OperationKind]();
  const applied = await apply(view, ready.args as never);
  return changesNext(ready) ? withNext(view, applied) : applied;
}

/** A status note changes nothing Next depends on: the hot path skips the second parse. */
const changesNext = (op: Operation) => !(op.kind === 'append' && (op.args as { state?: string }).state === undefined);

/**
 * Every run log an operation wrote gets its Next lines recomputed from what
 * the file now says, so no operation can leave a stale suggestion behind.
 */
async function withNext(view: LedgerView, applied: Applied): Promise<Applied> {
  const runs = `${view.config.runs_dir}/`;
  const isRunLog = (p: string) =>
    p.startsWith(runs) && p.endsWith('.md') && !/(?:^|\/)(?:timeline|experiments)\.md$/.test(p);
  if (!applied.writes.some((w) => isRunLog(w.path))) return applied;
  const { refreshNext } = await import('./next-lines.js');
  return {
    ...applied,
    writes: applied.writes.map((w) =>
      isRunLog(w.path) ? { ...w, content: refreshNext(w.content, w.path, w.path.slice(runs.length, -3)) } : w,
    ),
  };
}

/** A run log write whose front matter names a campaign (`campaign: <name>-<8 hex>`). */
const CAMPAIGN_RUN = /^---\r?\n(?:[^\n]*\n){0,20}?campaign:[ \t]*["']?[A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8}\b/;

/**
 * Apply an operation after it passed the door (prepareOperation): known
 * kind, valid arguments, text normalised and scrubbed. Returns the operation
 * as applied: that, not the one passed in, is what a commit records.
 */
export async function applyOperation(view: LedgerView, op: Operation): Promise<Applied & { op: Operation }> {
  const ready = prepareOperation(op, scrubberFor(view.config.scrub?.rules));
  const applied = await applyPrepared(view, ready);
  // The launch writes its own summary; anything else that touches a campaign's run log updates it.
  if (
    ready.kind === 'campaign-launch' ||
    !applied.writes.some((w) => w.path.endsWith('.md') && CAMPAIGN_RUN.test(w.content))
  )
    return { ...applied, op: ready };
  const { campaignSummaryWrites } = await import('./campaign.js');
  return { ...(await campaignSummaryWrites(view, applied)), op: ready };
}
