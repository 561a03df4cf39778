/**
 * The record operations: new, append, complete, fail, cancel, resume.
 * Each is a pure function of (the files as they are now, its arguments), so
 * the transaction can apply it again on top of a remote that moved.
 */
import { failed, usageError } from '../../core/errors.js';
import { renderFrontMatter } from '../../markdown/frontmatter.js';
import type { RunLogDoc } from '../../markdown/runlog.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { formatStatusLine } from '../../markdown/status-line.js';
import { humanDate, isoSeconds, runtime, statusStamp } from '../../core/time.js';
import { checkTransition, TERMINAL, type RunState } from '../../core/lifecycle.js';
import type { Applied, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadTemplate, renderTemplate } from '../templates.js';
import { folderOf, loadRunDoc, runPath } from './common.js';
import { gateEdits } from './artifacts.js';
import { experimentsUpsert } from './experiments.js';
import { timelineAdd } from './timeline.js';

export interface EntryResult {
  id: string;
  path: string;
  state: RunState;
  previousState: RunState;
  entry: { at: string; state: string; step: number | null; metrics: Record<string, number>; message: string };
}

// ---- new ------------------------------------------------------------------

export interface NewArgs {
  task: string;
  type: 'replication' | 'experiment' | 'pipeline';
  subtype?: string;
  objective: string;
  group?: string;
  script?: string;
  config?: string;
  dataset?: string;
  settings: string[];
  date: string;
  at: string;
}

export async function applyNew(view: LedgerView, a: NewArgs): Promise<Applied<{ id: string; path: string; state: RunState }>> {
  const id = `${a.group ? `${a.group}/` : ''}${a.date}_${a.task}`;
  const path = runPath(view, id);
  if (view.read(path) !== null) {
    throw failed('RUN_EXISTS', `${path} already exists`, `pick another task name or --date; to run the same config again use \`runlog resume ${id}\``);
  }
  const at = new Date(a.at);
  const runTypeLabel = a.subtype ? `${a.type} (${a.subtype})` : a.type;
  const fm = renderFrontMatter({ schema_version: 1, id, state: 'pending', run_type: a.type, subtype: a.subtype, campaign: null, attempt: 1 });
  const objective = a.objective;
  const code = (v: string | undefined) => (v ? `\`${v}\`` : 'n/a');
  const content = renderTemplate(loadTemplate('run-log.md', { root: view.root, templatesDir: view.config.templates_dir }), {
    front_matter: fm,
    task: a.task,
    description: objective,
    run_type_label: runTypeLabel,
    objective,
    script: code(a.script),
    config: code(a.config),
    dataset: code(a.dataset),
    settings: a.settings.length > 0 ? a.settings.join(', ') : 'n/a',
    created_iso: isoSeconds(at),
    created_human: humanDate(at),
    first_entry: formatStatusLine({ at, state: 'pending', message: 'run log created' }),
  });
  const writes: Write[] = [{ path, content }];
  const folder = folderOf(view, id);
  const file = `${a.date}_${a.task}.md`;
  writes.push(timelineAdd(view, folder, a.group ?? null, file));
  if (a.type === 'experiment') {
    writes.push(await experimentsUpsert(view, folder, [{ run: `${a.date}_${a.task}`, description: objective, status: 'pending', val_loss: '', notes: '' }], []));
  }
  return { writes, subject: `${id}: new ${a.type} run`, result: { id, path, state: 'pending' } };
}

// ---- append ---------------------------------------------------------------

export interface AppendArgs {
  run: string;
  message: string;
  state?: RunState;
  step?: number;
  metrics: Record<string, number>;
  at: string;
}

function entryEdits(doc: RunLogDoc, at: Date, state: RunState, step: number | null | undefined, metrics: Record<string, number>, message: string, extra: Record<string, string> = {}): Edit[] {
  const edits: Edit[] = [doc.appendStatusEdit(formatStatusLine({ at, state, step, metrics, message }))];
  if (doc.view.hasFrontMatter && doc.view.frontMatter?.state !== state) {
    const e = doc.frontMatterEdit('state', state);
    if (e) edits.push(e);
  }
  for (const [k, v] of Object.entries(extra)) {
    const e = doc.view.hasFrontMatter ? doc.frontMatterEdit(k, v) : null;
    if (e) edits.push(e);
  }
  return edits;
}

export function applyAppend(view: LedgerView, a: AppendArgs): Applied<EntryResult> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  const to = a.state ?? from;
  if (a.state) checkTransition(from, to);
  const at = new Date(a.at);
  const message = a.message;
  const content = applyEdits(doc.src.text, entryEdits(doc, at, to, a.step, a.metrics, message));
  return {
    writes: [{ path, content }],
    subject: `${a.run}: log status${to !== from ? ` (${to})` : ''}`,
    result: { id: a.run, path, state: to, previousState: from, entry: { at: isoSeconds(at), state: to, step: a.step ?? null, metrics: a.metrics, message } },
  };
}

// ---- complete / fail / cancel ----------------------------------------------

/** The latest Job block's runtime if it ended at `at`, from its start; null when it has no readable start. */
function jobRuntime(doc: RunLogDoc, at: Date): string | null {
  const fields = doc.view.jobs[doc.view.jobs.length - 1]?.fields ?? {};
  const startRaw = fields['start'] ?? fields['submitted/start'] ?? fields['started'] ?? fields['submitted'];
  const start = startRaw ? new Date(startRaw.replace(/`/g, '').replace(' UTC', 'Z').replace(' ', 'T')) : null;
  return start && !Number.isNaN(start.getTime()) ? runtime(at.getTime() - start.getTime()) : null;
}

/** End the latest Job block: end time, human date, runtime from its start. */
function endJobEdits(doc: RunLogDoc, at: Date): Edit[] {
  const job = doc.section('Job', 'last');
  if (!job) return [];
  const out: [string, string][] = [
    ['end', `\`${isoSeconds(at)}\``],
    ['end_human', `\`${humanDate(at)}\``],
  ];
  const rt = jobRuntime(doc, at);
  if (rt) out.push(['runtime', `\`${rt}\``]);
  return doc.fieldEdits(job, out);
}

export interface CompleteArgs {
  run: string;
  exitCode?: number;
  finalStep?: number;
  metrics: Record<string, number>;
  checkpoint?: string;
  summary?: string;
  /** Further Results fields (`wandb_gate`, ...), written as given. */
  results?: [string, string][];
  at: string;
  /** Output-log readings for the chart, as src/plot/codec.ts encodes them; Status entries are read from the file. */
  readings?: unknown;
}

function seriesEnds(doc: RunLogDoc, names: string[]): { first?: number; last?: number } {
  let first: number | undefined;
  let last: number | undefined;
  for (const e of doc.view.status) {
    for (const n of names) {
      const v = e.metrics[n];
      if (v === undefined) continue;
      if (first === undefined) first = v;
      last = v;
      break;
    }
  }
  return { first, last };
}

export async function applyComplete(view: LedgerView, a: CompleteArgs): Promise<Applied<EntryResult & { results: Record<string, string>; chart: string | null }>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  if (a.exitCode !== undefined && a.exitCode !== 0) {
    throw usageError('NONZERO_EXIT', `exit code ${a.exitCode} is not a completion`, `record a failure instead: runlog fail ${a.run} --class <class> --reason <text>`);
  }
  const from = doc.view.state;
  checkTransition(from, 'completed');
  const at = new Date(a.at);
  const lastStep = [...doc.view.status].reverse().find((e) => e.step !== null)?.step ?? null;
  const finalStep = a.finalStep ?? lastStep;
  const summary = a.summary ?? '';
  const message = [`exit code ${a.exitCode ?? 0}`, summary].filter(Boolean).join('; ');
  const edits = entryEdits(doc, at, 'completed', finalStep, a.metrics, message);
  edits.push(...endJobEdits(doc, at));

  const results: [string, string][] = [];
  const job = doc.view.jobs[doc.view.jobs.length - 1]?.fields ?? {};
  // The runtime this completion writes into the Job block, not a stale one read before it.
  const rt = jobRuntime(doc, at) ?? job['runtime'];
  if (rt) results.push(['runtime', `\`${rt}\``]);
  if (finalStep !== null) results.push(['final step', String(finalStep)]);
  const train = seriesEnds(doc, ['train_loss', 'loss']);
  const val = seriesEnds(doc, ['val_loss', 'eval_loss']);
  const endTrain = a.metrics['train_loss'] ?? a.metrics['loss'] ?? train.last;
  const endVal = a.metrics['val_loss'] ?? a.metrics['eval_loss'] ?? val.last;
  if (train.first !== undefined) results.push(['start_train_loss', `\`${train.first}\``]);
  if (endTrain !== undefined) results.push(['end_train_loss', `\`${endTrain}\``]);
  if (val.first !== undefined) results.push(['start_val_loss', `\`${val.first}\``]);
  if (endVal !== undefined) results.push(['end_val_loss', `\`${endVal}\``]);
  for (const [k, v] of Object.entries(a.metrics)) if (!['train_loss', 'loss', 'val_loss', 'eval_loss'].includes(k)) results.push([k, `\`${v}\``]);
  if (summary) results.push(['loss_one_liner', summary]);
  for (const [k, v] of a.results ?? []) results.push([k, v]);
  if (a.checkpoint) results.push(['checkpoint', `\`${a.checkpoint}\``]);
  const snapshot = job['config_snapshot'] ?? job['config snapshot'];
  if (snapshot) results.push(['config_snapshot', `\`${snapshot}\``]);
  const resultsSection = doc.section('Results', 'first');
  if (resultsSection && results.length > 0) edits.push(...doc.fieldEdits(resultsSection, results));
  if (a.checkpoint) edits.push(...gateEdits(doc, 'passport', a.checkpoint, a.run));
  edits.push(...nextAfterCompletion(doc, a.run));

  // The chart is drawn from the file as completed, so it shows the final entry and checkpoint.
  const { chartWrites } = await import('./plot.js');
  const charted = chartWrites(view, a.run, path, applyEdits(doc.src.text, edits), a.readings);
  const writes: Write[] = [{ path, content: charted.content }];
  if (charted.svg) writes.push(charted.svg);
  if (doc.view.runType === 'experiment') {
    writes.push(await experimentsUpsert(view, folderOf(view, a.run), [{ run: a.run.split('/').pop()!, status: 'completed', val_loss: endVal !== undefined ? String(endVal) : undefined }]));
  }
  return {
    writes,
    subject: `${a.run}: complete`,
    result: {
      id: a.run,
      path,
      state: 'completed',
      previousState: from,
      entry: { at: isoSeconds(at), state: 'completed', step: finalStep, metrics: a.metrics, message },
      results: Object.fromEntries(results.map(([k, v]) => [k, v.replace(/`/g, '')])),
      chart: charted.svg?.path ?? null,
    },
  };
}

/** The template's first Next line, which says nothing useful once the run is done. */
const NEW_RUN_NEXT = '- submit the job and record its execution id';

/**
 * After completion, the template's "submit the job" line becomes what the
 * seed suggests next (resume for more steps). Lines a person wrote stay.
 */
function nextAfterCompletion(doc: RunLogDoc, runId: string): Edit[] {
  const line = doc.section('Next', 'first')?.bodyLines.find((l) => l.text.trim() === NEW_RUN_NEXT);
  if (!line) return [];
  return [{ start: line.start, end: line.end, text: `- review Results and the W&B curves; to train further on the same config: \`runlog resume ${runId} --from <checkpoint>\`` }];
}

export interface FailArgs {
  run: string;
  failureClass: string;
  reason: string;
  at: string;
  /** The ending to record; `fail` is command_failed, the supervisor names others. */
  state?: RunState;
}

export async function applyFail(view: LedgerView, a: FailArgs): Promise<Applied<EntryResult & { failureClass: string }>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  const to = a.state ?? 'command_failed';
  checkTransition(from, to);
  const at = new Date(a.at);
  const message = `${a.failureClass}: ${a.reason}`;
  const edits = entryEdits(doc, at, to, undefined, {}, message, { failure_class: a.failureClass });
  edits.push(...endJobEdits(doc, at));
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  if (doc.view.runType === 'experiment') writes.push(await experimentsUpsert(view, folderOf(view, a.run), [{ run: a.run.split('/').pop()!, status: to }]));
  return {
    writes,
    subject: `${a.run}: ${to === 'command_failed' ? 'fail' : to} (${a.failureClass})`,
    result: { id: a.run, path, state: to, previousState: from, failureClass: a.failureClass, entry: { at: isoSeconds(at), state: to, step: null, metrics: {}, message } },
  };
}

export interface CancelArgs {
  run: string;
  reason: string;
  at: string;
}

/** `experiments: false`: the caller updates experiments.md once for many runs (a campaign halt cancels hundreds). */
export async function applyCancel(view: LedgerView, a: CancelArgs, opts: { experiments?: boolean } = {}): Promise<Applied<EntryResult>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  checkTransition(from, 'canceled');
  const at = new Date(a.at);
  const message = a.reason;
  const edits = entryEdits(doc, at, 'canceled', undefined, {}, message);
  edits.push(...endJobEdits(doc, at));
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  if (doc.view.runType === 'experiment' && opts.experiments !== false) writes.push(await experimentsUpsert(view, folderOf(view, a.run), [{ run: a.run.split('/').pop()!, status: 'canceled' }]));
  return { writes, subject: `${a.run}: cancel`, result: { id: a.run, path, state: 'canceled', previousState: from, entry: { at: isoSeconds(at), state: 'canceled', step: null, metrics: {}, message } } };
}

// ---- resume ---------------------------------------------------------------

export interface ResumeArgs {
  run: string;
  from?: string;
  at: string;
  /** `resumed` (operator resume) or `retry N` (supervisor retry). */
  label?: string;
  /** Extra Job fields (execution id, command, ...) when known at resume time. */
  fields?: [string, string][];
  /** An operator's campaign resume: a run whose transient retries are spent may start again too. */
  exhausted?: boolean;
}

export function applyResume(view: LedgerView, a: ResumeArgs): Applied<EntryResult & { attempt: number; heading: string }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (!TERMINAL.has(from) && from !== 'stalled' && from !== 'lost' && from !== 'pending') {
    throw failed('RUN_ACTIVE', `${a.run} is ${from}; only an ended, stalled or lost run can be resumed`, `stop it first (\`runlog stop ${a.run}\`) or wait for it to end`);
  }
  checkTransition(from, 'pending', { newAttempt: true, exhausted: a.exhausted });
  const at = new Date(a.at);
  const attempt = doc.view.attempt + 1;
  const heading = `Job (${a.label ?? 'resumed'})`;
  const fields: [string, string][] = [
    ['execution_id', '(not submitted)'],
    ['attempt', String(attempt)],
    ['submitted', `\`${statusStamp(at)}\``],
    ['submitted_human', `\`${humanDate(at)}\``],
  ];
  if (a.from) fields.push(['resumed from', `\`${a.from}\``]);
  fields.push(...(a.fields ?? []));
  const message = `${a.label ?? 'resumed'} as attempt ${attempt}${a.from ? ` from ${a.from}` : ''}`;
  const edits: Edit[] = [doc.jobBlockEdit(heading, fields), ...entryEdits(doc, at, 'pending', undefined, {}, message, { attempt: String(attempt) })];
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: ${a.label?.startsWith('retry') ? 'log retry' : 'log resume'}`,
    result: { id: a.run, path, state: 'pending', previousState: from, attempt, heading, entry: { at: isoSeconds(at), state: 'pending', step: null, metrics: {}, message } },
  };
}

