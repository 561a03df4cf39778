/**
 * Operations for launched jobs: intent (validating), launch, rejection,
 * progress/state updates and the end of an attempt (with the retry that may
 * follow). Each is pure over (files now, args): every time, observation and
 * evidence travels in the args, so a replay on a moved remote writes the
 * same thing.
 *
 * Each names the attempt it is about by its idempotency key. When the run
 * has moved on (an operator stopped it, another supervisor already recorded
 * the end), the operation writes nothing instead of recording a stale fact.
 */
import type { RunLogDoc } from '../../markdown/runlog.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { formatStatusLine } from '../../markdown/status-line.js';
import { checkTransition, TERMINAL, type RunState } from '../../core/lifecycle.js';
import type { Applied, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadRunDoc, mergeWrites, overlay } from './common.js';
import { applyAppend, applyComplete, applyFail, applyResume } from './record.js';

export type JobField = [string, string];

interface Skipped {
  id: string;
  skipped: string;
}

export interface JobChange {
  id: string;
  path: string;
  state: RunState;
  previousState: RunState;
  attempt: number;
  /** Set when a retry attempt was added after the end. */
  retry?: { attempt: number; heading: string; notBefore: string };
}

export type JobOpResult = JobChange | Skipped;

const KEY_FIELD = 'idempotency_key';

function latestKey(doc: RunLogDoc): string | undefined {
  return doc.view.jobs.at(-1)?.fields[KEY_FIELD]?.replace(/`/g, '');
}

function jobFieldEdits(doc: RunLogDoc, fields: readonly JobField[]): Edit[] {
  const section = doc.section('Job', 'last');
  return section && fields.length > 0 ? doc.fieldEdits(section, [...fields]) : [];
}

const skip = (id: string, why: string): Applied<JobOpResult> => ({
  writes: [],
  subject: `${id}: nothing to record`,
  result: { id, skipped: why },
});

// ---- intent: preflight passed, about to submit ---------------------------

export interface JobIntentArgs {
  run: string;
  key: string;
  attempt: number;
  at: string;
  fields: JobField[];
  /** A path (relative to the ledger root) that .gitignore must list: the pinned output root. */
  ignore?: string;
}

export function applyJobIntent(view: LedgerView, a: JobIntentArgs): Applied<JobOpResult> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  const key = latestKey(doc);
  if (key === a.key && from !== 'pending') return skip(a.run, `attempt ${a.key} is already ${from}`);
  if (key !== undefined && key !== a.key)
    return skip(a.run, `the latest Job block belongs to attempt ${key}, not ${a.key}`);
  checkTransition(from, 'validating');
  const at = new Date(a.at);
  const edits = [
    ...jobFieldEdits(doc, [[KEY_FIELD, `\`${a.key}\``], ...a.fields]),
    doc.appendStatusEdit(
      formatStatusLine({ at, state: 'validating', message: `preflight passed for attempt ${a.attempt}; submitting` }),
    ),
  ];
  const fm = doc.frontMatterEdit('state', 'validating');
  if (fm && doc.view.hasFrontMatter) edits.push(fm);
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  const ignore = a.ignore ? gitignoreWrite(view, a.ignore) : null;
  if (ignore) writes.push(ignore);
  return {
    writes,
    subject: `${a.run}: log launch intent (attempt ${a.attempt})`,
    result: { id: a.run, path, state: 'validating', previousState: from, attempt: a.attempt },
  };
}

function gitignoreWrite(view: LedgerView, entry: string): Write | null {
  const line = `/${entry.replace(/^\/+/, '').replace(/\/*$/, '/')}`;
  const current = view.read('.gitignore');
  const lines = (current ?? '').split(/\r?\n/).map((l) => l.trim());
  if (
    lines.includes(line) ||
    lines.includes(line.slice(1)) ||
    lines.includes(line.slice(0, -1)) ||
    lines.includes(line.slice(1, -1))
  )
    return null;
  const base = current === null || current === '' ? '' : current.endsWith('\n') ? current : `${current}\n`;
  return {
    path: '.gitignore',
    content: `${base}# job outputs pinned by runlog (logs, exit records, config snapshots)\n${line}\n`,
  };
}

// ---- launch: the executor accepted the job -------------------------------

export interface JobLaunchArgs {
  run: string;
  key: string;
  at: string;
  state: 'running' | 'queued';
  fields: JobField[];
  message: string;
}

export function applyJobLaunch(view: LedgerView, a: JobLaunchArgs): Applied<JobOpResult> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (latestKey(doc) !== a.key) return skip(a.run, `the latest Job block is not attempt ${a.key}`);
  if (from !== 'validating' && from !== 'pending' && from !== 'lost')
    return skip(a.run, `attempt ${a.key} is already ${from}`);
  checkTransition(from, a.state);
  const at = new Date(a.at);
  const edits = [
    ...jobFieldEdits(doc, a.fields),
    doc.appendStatusEdit(formatStatusLine({ at, state: a.state, message: a.message })),
  ];
  const fm = doc.frontMatterEdit('state', a.state);
  if (fm && doc.view.hasFrontMatter) edits.push(fm);
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: log launch`,
    result: { id: a.run, path, state: a.state, previousState: from, attempt: doc.view.attempt },
  };
}

// ---- reject: preflight said no --------------------------------------------

export interface JobRejectArgs {
  run: string;
  key: string;
  at: string;
  reasons: string[];
  fields: JobField[];
}

export async function applyJobReject(
  view: LedgerView,
  a: JobRejectArgs,
): Promise<Applied<JobOpResult & { reasons?: string[] }>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  const fieldText = applyEdits(
    doc.src.text,
    jobFieldEdits(doc, [[KEY_FIELD, `\`${a.key}\``], ...a.fields, ['terminal_state', 'validation_failed']]),
  );
  const first: Write[] = [{ path, content: fieldText }];
  const appended = await applyAppend(overlay(view, first), {
    run: a.run,
    state: 'validation_failed',
    message: `rejected before launch: ${a.reasons.join('; ')}`,
    metrics: {},
    at: a.at,
  });
  return {
    writes: mergeWrites(first, appended.writes),
    subject: `${a.run}: validation_failed (${a.reasons.length} reason${a.reasons.length === 1 ? '' : 's'})`,
    result: {
      id: a.run,
      path,
      state: 'validation_failed',
      previousState: from,
      attempt: doc.view.attempt,
      reasons: a.reasons,
    },
  };
}

// ---- update: progress and recoverable state changes ----------------------

export interface JobUpdateArgs {
  run: string;
  key: string;
  at: string;
  state?: RunState;
  step?: number;
  metrics: Record<string, number>;
  message: string;
  fields: JobField[];
}

export function applyJobUpdate(view: LedgerView, a: JobUpdateArgs): Applied<JobOpResult> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (latestKey(doc) !== a.key) return skip(a.run, `the latest Job block is not attempt ${a.key}`);
  if (TERMINAL.has(from)) return skip(a.run, `${a.run} is already ${from}`);
  const to = a.state ?? from;
  if (to !== from) checkTransition(from, to);
  const at = new Date(a.at);
  const edits = [
    ...jobFieldEdits(doc, a.fields),
    doc.appendStatusEdit(formatStatusLine({ at, state: to, step: a.step, metrics: a.metrics, message: a.message })),
  ];
  const fm = to !== from ? doc.frontMatterEdit('state', to) : null;
  if (fm && doc.view.hasFrontMatter) edits.push(fm);
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: log ${to !== from ? to : 'progress'}`,
    result: { id: a.run, path, state: to, previousState: from, attempt: doc.view.attempt },
  };
}

// ---- end: the attempt is over (and maybe a retry is scheduled) ------------

export interface JobEndArgs {
  run: string;
  key: string;
  at: string;
  state: 'completed' | 'command_failed' | 'canceled' | 'timed_out' | 'worker_lost' | 'retry_exhausted';
  failureClass?: string;
  reason: string;
  step?: number;
  metrics: Record<string, number>;
  fields: JobField[];
  retry?: { key: string; label: string; notBefore: string; fields: JobField[] };
  /** Output-log readings for the completion chart (src/plot/codec.ts). */
  readings?: unknown;
  /** Results fields recorded with a completion (the strict W&B gate's verdict). */
  results?: JobField[];
  /** The first values the output printed (start_train_loss), when Status has none. */
  startMetrics?: Record<string, number>;
  /** The newest complete checkpoint found under the attempt's output dir, and that dir. */
  checkpoint?: string;
  checkpointUnder?: string;
}

export async function applyJobEnd(view: LedgerView, a: JobEndArgs): Promise<Applied<JobOpResult>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (latestKey(doc) !== a.key) return skip(a.run, `the latest Job block is not attempt ${a.key}`);
  if (TERMINAL.has(from)) return skip(a.run, `${a.run} is already ${from}`);
  checkTransition(from, a.state);

  const endFields: JobField[] = [['terminal_state', a.state], ...a.fields];
  if (a.failureClass) endFields.push(['failure_class', a.failureClass]);
  const first: Write[] = [{ path, content: applyEdits(doc.src.text, jobFieldEdits(doc, endFields)) }];
  let ended: Applied;
  if (a.state === 'completed') {
    ended = await applyComplete(overlay(view, first), {
      run: a.run,
      exitCode: 0,
      finalStep: a.step,
      metrics: a.metrics,
      startMetrics: a.startMetrics,
      summary: a.reason,
      results: a.results,
      at: a.at,
      readings: a.readings,
      checkpoint: a.checkpoint,
      checkpointUnder: a.checkpointUnder,
    });
  } else {
    ended = await applyFail(overlay(view, first), {
      run: a.run,
      failureClass: a.failureClass ?? 'unknown',
      reason: a.reason,
      at: a.at,
      state: a.state,
    });
  }
  let writes = mergeWrites(first, ended.writes);
  let subject = ended.subject;
  let retry: JobChange['retry'];
  let state: RunState = a.state;
  if (a.retry) {
    const resumed = await applyResume(overlay(view, writes), {
      run: a.run,
      at: a.at,
      label: a.retry.label,
      fields: [[KEY_FIELD, `\`${a.retry.key}\``], ...a.retry.fields],
    });
    writes = mergeWrites(writes, resumed.writes);
    subject = `${subject}; schedule ${a.retry.label}`;
    retry = { attempt: resumed.result.attempt, heading: resumed.result.heading, notBefore: a.retry.notBefore };
    state = 'pending';
  }
  return {
    writes,
    subject,
    result: { id: a.run, path, state, previousState: from, attempt: doc.view.attempt, ...(retry ? { retry } : {}) },
  };
}

export const JOB_OPERATIONS = {
  'job-intent': applyJobIntent,
  'job-launch': applyJobLaunch,
  'job-reject': applyJobReject,
  'job-update': applyJobUpdate,
  'job-end': applyJobEnd,
} as const;
