/**
 * The scheduler requeued a job (Slurm `Restarts` went up after a node
 * failure or a preemption): the same job id now runs as a new instance. It
 * is recorded as one commit: the current Job block ends (worker_lost with
 * the cause's class), and a `## Job (requeued N)` block follows with the
 * same execution id, already queued, so no supervisor ever submits it again.
 */
import type { Applied } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { mergeWrites, overlay } from './common.js';
import { applyJobEnd, applyJobLaunch, type JobField, type JobOpResult } from './jobs.js';

export interface JobRequeueArgs {
  run: string;
  /** The attempt that was requeued, and the key of the instance that follows. */
  key: string;
  nextKey: string;
  at: string;
  restarts: number;
  failureClass: string;
  reason: string;
  /** Fields that end the current block (evidence, ...). */
  endFields: JobField[];
  /** Fields the new block carries over (executor, cluster, output_dir, clocks, provenance). */
  carryFields: JobField[];
  /** Fields that tie the new block to the same job (execution_id, output_log, handle). */
  jobFields: JobField[];
  message: string;
}

export async function applyJobRequeue(view: LedgerView, a: JobRequeueArgs): Promise<Applied<JobOpResult>> {
  const label = `requeued ${a.restarts}`;
  const ended = await applyJobEnd(view, {
    run: a.run,
    key: a.key,
    at: a.at,
    state: 'worker_lost',
    failureClass: a.failureClass,
    reason: a.reason,
    metrics: {},
    fields: a.endFields,
    retry: { key: a.nextKey, label, notBefore: a.at, fields: [['scheduled_by', 'scheduler'], ...a.carryFields] },
  });
  if ('skipped' in ended.result) return ended;
  const launched = applyJobLaunch(overlay(view, ended.writes), {
    run: a.run,
    key: a.nextKey,
    at: a.at,
    state: 'queued',
    fields: a.jobFields,
    message: a.message,
  });
  return {
    writes: mergeWrites(ended.writes, launched.writes),
    subject: `${a.run}: log ${label} (scheduler requeued the job)`,
    result: launched.result,
  };
}
