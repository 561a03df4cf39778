/**
 * Every operation kind that can be committed, and so replayed. Each kind
 * loads its module on first use: `append` should not pay at start-up for the
 * job, logbook and artifact operations it never applies, while replay must
 * still know every kind it may meet.
 */
import { scrubberFor } from '../../core/scrub/scrub.js';
import type { Applied, Operation } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { prepareOperation, type OperationKind } from './args.js';

type AnyApply = (view: LedgerView, args: never) => Promise<Applied> | Applied;
type Loader = () => Promise<AnyApply>;

const record = (name: 'applyAppend' | 'applyCancel' | 'applyComplete' | 'applyFail' | 'applyNew' | 'applyResume'): Loader => async () => (await import('./record.js'))[name];
const indexFiles = (name: 'applyInit' | 'applyRebuildExperiments' | 'applyRebuildTimeline'): Loader => async () => (await import('./index-files.js'))[name];
const artifacts = (name: 'applyPassportRecord' | 'applyPruneRecord' | 'applySealRecord' | 'applySignoffRecord' | 'applyWandbRecord'): Loader => async () => (await import('./artifacts.js'))[name];
const job = (kind: string): Loader => async () => (await import('./jobs.js')).JOB_OPERATIONS[kind as keyof typeof import('./jobs.js')['JOB_OPERATIONS']] as AnyApply;
const logbook = (kind: string): Loader => async () => (await import('./logbook.js')).LOGBOOK_OPERATIONS[kind as keyof typeof import('./logbook.js')['LOGBOOK_OPERATIONS']] as AnyApply;

const REGISTRY: Record<OperationKind, Loader> = {
  init: indexFiles('applyInit'),
  new: record('applyNew'),
  append: record('applyAppend'),
  complete: record('applyComplete'),
  fail: record('applyFail'),
  cancel: record('applyCancel'),
  resume: record('applyResume'),
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
  'mirror-posted': logbook('mirror-posted'),
  plot: async () => (await import('./plot.js')).applyPlot as AnyApply,
};

/** The kinds replay understands (tests check each resolves to an apply function). */
export const OPERATION_KINDS = Object.keys(REGISTRY) as OperationKind[];

/**
 * Apply an operation after it passed the door (prepareOperation): known
 * kind, valid arguments, text normalised and scrubbed. Returns the operation
 * as applied: that, not the one passed in, is what a commit records.
 */
export async function applyOperation(view: LedgerView, op: Operation): Promise<Applied & { op: Operation }> {
  const ready = prepareOperation(op, scrubberFor(view.config.scrub?.rules));
  const apply = await REGISTRY[ready.kind as OperationKind]();
  return { ...(await apply(view, ready.args as never)), op: ready };
}
