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

export async function applyNew(
  view: LedgerView,
  a: NewArgs,
): Promise<Applied<{ id: string; path: string; state: RunState }>> {
  const id = `${a.group ? `${a.group}/` : ''}${a.date}_${a.task}`;
  const path = runPath(view, id);
  if (view.read(path) !== null) {
    throw failed(
      'RUN_EXISTS',
      `${path} already exists`,
      `pick another task name or --date; to run the same config again use \`runlog resume ${id}\``,
    );
  }
  const at = new Date(a.at);
  const runTypeLabel = a.subtype ? `${a.type} (${a.subtype})` : a.type;
  const fm = renderFrontMatter({
    schema_version: 1,
    id,
    state: 'pending',
    run_type: a.type,
    subtype: a.subtype,
    campaign: null,
    attempt: 1,
  });
  const objective = a.objective;
  const code = (v: string | undefined) => (v ? `\`${v}\`` : 'n/a');
  const content = renderTemplate(
    loadTemplate('run-log.md', { root: view.root, templatesDir: view.config.templates_dir }),
    {
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
    },
  );
  const writes: Write[] = [{ path, content }];
  const folder = folderOf(view, id);
  const file = `${a.date}_${a.task}.md`;
  writes.push(timelineAdd(view, folder, a.group ?? null, file));
  if (a.type === 'experiment') {
    writes.push(
      await experimentsUpsert(
        view,
        folder,
        [{ run: `${a.date}_${a.task}`, description: objective, status: 'pending', val_loss: '', notes: '' }],
        [],
      ),
    );
  }
  return { writes, subject: `${id}: new ${a.type} run`, result: { id, path, state: 'pending' } };
}

// ---- append ---------------------------------------------------------------

/** An experiment's row in experiments.md follows its state (a state change only). */
async function statusRow(view: LedgerView, doc: RunLogDoc, run: string, state: RunState): Promise<Write[]> {
  if (doc.view.runType !== 'experiment') return [];
  return [await experimentsUpsert(view, folderOf(view, run), [{ run: run.split('/').pop()!, status: state }])];
}

export interface AppendArgs {
  run: string;
  message: string;
  state?: RunState;
  step?: number;
  metrics: Record<string, number>;
  at: string;
}

function entryEdits(
  doc: RunLogDoc,
  at: Date,
  state: RunState,
  step: number | null | undefined,
  metrics: Record<string, number>,
  message: string,
  extra: Record<string, string> = {},
): Edit[] {
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

export async function applyAppend(view: LedgerView, a: AppendArgs): Promise<Applied<EntryResult>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  const to = a.state ?? from;
  if (a.state) checkTransition(from, to);
  const at = new Date(a.at);
  const message = a.message;
  const content = applyEdits(doc.src.text, entryEdits(doc, at, to, a.step, a.metrics, message));
  const writes: Write[] = [{ path, content }];
  if (to !== from) writes.push(...(await statusRow(view, doc, a.run, to)));
  return {
    writes,
    subject: `${a.run}: log status${to !== from ? ` (${to})` : ''}`,
    result: {
      id: a.run,
      path,
      state: to,
      previousState: from,
      entry: { at: isoSeconds(at), state: to, step: a.step ?? null, metrics: a.metrics, message },
    },
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
  /** The directory the checkpoint was found in, when runlog found it rather than being told. */
  checkpointUnder?: string;
  /** The first values the job printed (a supervisor that recorded no progress has none in Status). */
  startMetrics?: Record<string, number>;
  summary?: string;
  /** Further Results fields (`wandb_gate`, ...), written as given. */
  results?: [string, string][];
  at: string;
  /** Output-log readings for the chart, as src/plot/codec.ts encodes them; Status entries are read from the file. */
  readings?: unknown;
}

/** The first and last value of a metric in Status, and the step the last one was read at. */
function seriesEnds(doc: RunLogDoc, names: string[]): { first?: number; last?: number; lastStep?: number | null } {
  let first: number | undefined;
  let last: number | undefined;
  let lastStep: number | null | undefined;
  for (const e of doc.view.status) {
    for (const n of names) {
      const v = e.metrics[n];
      if (v === undefined) continue;
      if (first === undefined) first = v;
      last = v;
      lastStep = e.step;
      break;
    }
  }
  return { first, last, lastStep };
}

const CLOCK = /^(\d+):(\d{2}):(\d{2})$/;

/**
 * Each attempt's runtime (from its Job block; the latest one as it ends now)
 * and their sum: a run retried twice ran for all three attempts.
 */
function attemptRuntimes(doc: RunLogDoc, latest: string | null): { total: string | null; perAttempt: string | null } {
  const jobs = doc.view.jobs;
  const parts: { n: string; seconds: number; text: string }[] = [];
  jobs.forEach((j, i) => {
    const raw = (i === jobs.length - 1 ? latest : null) ?? j.fields['runtime']?.replace(/`/g, '').trim() ?? '';
    const m = CLOCK.exec(raw);
    if (m)
      parts.push({
        n: (j.fields['attempt'] ?? String(i + 1)).replace(/`/g, '').trim(),
        seconds: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
        text: raw,
      });
  });
  if (parts.length === 0) return { total: null, perAttempt: null };
  const total = runtime(parts.reduce((s, p) => s + p.seconds, 0) * 1000);
  return { total, perAttempt: parts.length > 1 ? parts.map((p) => `${p.n}: ${p.text}`).join(', ') : null };
}

const LOSSES = ['train_loss', 'loss', 'val_loss', 'eval_loss'];

/** Results fields for the metrics given on the command line (losses go to their end_* fields). */
function metricFields(metrics: Record<string, number>): [string, string][] {
  const out: [string, string][] = [];
  const train = metrics['train_loss'] ?? metrics['loss'];
  const val = metrics['val_loss'] ?? metrics['eval_loss'];
  if (train !== undefined) out.push(['end_train_loss', `\`${train}\``]);
  if (val !== undefined) out.push(['end_val_loss', `\`${val}\``]);
  for (const [k, v] of Object.entries(metrics)) if (!LOSSES.includes(k)) out.push([k, `\`${v}\``]);
  return out;
}

function checkpointField(path: string, under?: string): [string, string] {
  return ['checkpoint', `\`${path}\`${under ? ` (found under \`${under}\`)` : ''}`];
}

type CompleteResult = EntryResult & { results: Record<string, string>; chart: string | null; amended?: string[] };

export async function applyComplete(view: LedgerView, a: CompleteArgs): Promise<Applied<CompleteResult>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  if (a.exitCode !== undefined && a.exitCode !== 0) {
    throw usageError(
      'NONZERO_EXIT',
      `exit code ${a.exitCode} is not a completion`,
      `record a failure instead: runlog fail ${a.run} --class <class> --reason <text>`,
    );
  }
  const from = doc.view.state;
  if (from === 'completed') return amendResults(view, doc, path, a);
  checkTransition(from, 'completed');
  const at = new Date(a.at);
  const lastStep = [...doc.view.status].reverse().find((e) => e.step !== null)?.step ?? null;
  const finalStep = a.finalStep ?? lastStep;
  const summary = a.summary ?? '';
  const message = [`exit code ${a.exitCode ?? 0}`, summary].filter(Boolean).join('; ');
  const edits = entryEdits(doc, at, 'completed', finalStep, a.metrics, message);
  // A completed run has no failure class, whatever an earlier attempt had.
  const cleared = doc.frontMatterEdit('failure_class', null);
  if (cleared) edits.push(cleared);
  edits.push(...endJobEdits(doc, at));

  const results: [string, string][] = [];
  const job = doc.view.jobs[doc.view.jobs.length - 1]?.fields ?? {};
  // The runtime this completion writes into the Job block, not a stale one read before it.
  const runtimes = attemptRuntimes(doc, jobRuntime(doc, at));
  const rt = runtimes.total ?? job['runtime'];
  if (rt) results.push(['runtime', `\`${rt.replace(/`/g, '')}\``]);
  if (runtimes.perAttempt) results.push(['runtime_per_attempt', runtimes.perAttempt]);
  if (finalStep !== null) results.push(['final step', String(finalStep)]);
  // A metric last seen before the final step says at which step it was read.
  const atStep = (s: number | null | undefined) =>
    finalStep !== null && s !== undefined && s !== null && s !== finalStep ? ` (step ${s})` : '';
  const train = seriesEnds(doc, ['train_loss', 'loss']);
  const val = seriesEnds(doc, ['val_loss', 'eval_loss']);
  const endTrain = a.metrics['train_loss'] ?? a.metrics['loss'];
  const endVal = a.metrics['val_loss'] ?? a.metrics['eval_loss'];
  const startTrain = train.first ?? a.startMetrics?.['train_loss'];
  if (startTrain !== undefined) results.push(['start_train_loss', `\`${startTrain}\``]);
  if (endTrain === undefined && train.last !== undefined)
    results.push(['end_train_loss', `\`${train.last}\`${atStep(train.lastStep)}`]);
  if (val.first !== undefined) results.push(['start_val_loss', `\`${val.first}\``]);
  if (endVal === undefined && val.last !== undefined)
    results.push(['end_val_loss', `\`${val.last}\`${atStep(val.lastStep)}`]);
  results.push(...metricFields(a.metrics));
  if (summary) results.push(['loss_one_liner', summary]);
  for (const [k, v] of a.results ?? []) results.push([k, v]);
  if (a.checkpoint) results.push(checkpointField(a.checkpoint, a.checkpointUnder));
  const snapshot = job['config_snapshot'] ?? job['config snapshot'];
  if (snapshot) results.push(['config_snapshot', `\`${snapshot.replace(/`/g, '')}\``]);
  const resultsSection = doc.section('Results', 'first');
  if (resultsSection && results.length > 0) edits.push(...doc.fieldEdits(resultsSection, results));

  // The chart is drawn from the file as completed, so it shows the final entry and checkpoint.
  const { chartWrites } = await import('./plot.js');
  const charted = chartWrites(view, a.run, path, applyEdits(doc.src.text, edits), a.readings);
  const writes: Write[] = [{ path, content: charted.content }];
  if (charted.svg) writes.push(charted.svg);
  const valLoss = endVal ?? (val.lastStep === finalStep || finalStep === null ? val.last : undefined);
  if (doc.view.runType === 'experiment') {
    writes.push(
      await experimentsUpsert(view, folderOf(view, a.run), [
        {
          run: a.run.split('/').pop()!,
          status: 'completed',
          val_loss: valLoss !== undefined ? String(valLoss) : undefined,
        },
      ]),
    );
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

/**
 * `complete` on a completed run: the Results fields given are added or
 * replaced (an eval after the fact, the checkpoint, a better summary) and one
 * Status note says which; the state and the Job blocks stay as they are.
 * Fields that already hold the given value are left out, so repeating the
 * same `complete` (an agent retrying) changes nothing and commits nothing.
 */
async function amendResults(
  view: LedgerView,
  doc: RunLogDoc,
  path: string,
  a: CompleteArgs,
): Promise<Applied<CompleteResult>> {
  const fields: [string, string][] = [];
  if (a.finalStep !== undefined) fields.push(['final step', String(a.finalStep)]);
  fields.push(...metricFields(a.metrics));
  if (a.summary) fields.push(['loss_one_liner', a.summary]);
  if (a.checkpoint) fields.push(checkpointField(a.checkpoint, a.checkpointUnder));
  if (fields.length === 0) {
    throw usageError(
      'NOTHING_TO_AMEND',
      `${a.run} is already completed and nothing to amend was given`,
      `add what changed: runlog complete ${a.run} --metric <key=value> / --checkpoint <dir> / --summary <text>`,
    );
  }
  const results = doc.section('Results', 'first');
  if (!results)
    throw failed(
      'NO_RESULTS_SECTION',
      `${path} has no ## Results section to amend`,
      'add a `## Results` section by hand, commit it, then run complete again',
    );
  const bare = (v: string | undefined) => v?.replace(/`/g, '').trim();
  const current = doc.view.results ?? {};
  const changed = fields.filter(([k, v]) => bare(current[k]) !== bare(v));
  const at = new Date(a.at);
  if (changed.length === 0) {
    return {
      writes: [],
      subject: `${a.run}: amend results`,
      result: {
        id: a.run,
        path,
        state: 'completed',
        previousState: 'completed',
        entry: { at: isoSeconds(at), state: 'completed', step: null, metrics: a.metrics, message: 'results unchanged' },
        results: {},
        chart: null,
        amended: [],
      },
    };
  }
  fields.splice(0, fields.length, ...changed);
  const names = fields.map(([k, v]) =>
    k === 'loss_one_liner' || k === 'checkpoint' ? k : `${k}=${v.replace(/`/g, '')}`,
  );
  const message = `results amended: ${names.join(', ')}`;
  const edits: Edit[] = [doc.appendStatusEdit(`- ${statusStamp(at)} — ${message}`), ...doc.fieldEdits(results, fields)];
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  const val = a.metrics['val_loss'] ?? a.metrics['eval_loss'];
  if (doc.view.runType === 'experiment' && val !== undefined) {
    writes.push(
      await experimentsUpsert(view, folderOf(view, a.run), [
        { run: a.run.split('/').pop()!, status: 'completed', val_loss: String(val) },
      ]),
    );
  }
  return {
    writes,
    subject: `${a.run}: amend results`,
    result: {
      id: a.run,
      path,
      state: 'completed',
      previousState: 'completed',
      entry: { at: isoSeconds(at), state: 'completed', step: null, metrics: a.metrics, message },
      results: Object.fromEntries(fields.map(([k, v]) => [k, v.replace(/`/g, '')])),
      chart: null,
      amended: fields.map(([k]) => k),
    },
  };
}

export interface FailArgs {
  run: string;
  failureClass: string;
  reason: string;
  at: string;
  /** The ending to record; `fail` is command_failed, the supervisor names others. */
  state?: RunState;
}

export async function applyFail(
  view: LedgerView,
  a: FailArgs,
): Promise<Applied<EntryResult & { failureClass: string }>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (a.state === undefined && TERMINAL.has(from) && from !== 'completed') return amendFailure(doc, path, a);
  if (a.state === undefined && from === 'completed') {
    throw failed(
      'RUN_COMPLETED',
      `${a.run} completed; a completed run is not failed after the fact`,
      `note what went wrong with \`runlog append ${a.run} "<what>"\`, correct its Results with \`runlog complete ${a.run} --metric <key=value>\`, or train further with \`runlog resume ${a.run} --from <checkpoint>\``,
    );
  }
  const to = a.state ?? 'command_failed';
  checkTransition(from, to);
  const at = new Date(a.at);
  const message = `${a.failureClass}: ${a.reason}`;
  const edits = entryEdits(doc, at, to, undefined, {}, message, { failure_class: a.failureClass });
  edits.push(...endJobEdits(doc, at));
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  if (doc.view.runType === 'experiment')
    writes.push(await experimentsUpsert(view, folderOf(view, a.run), [{ run: a.run.split('/').pop()!, status: to }]));
  return {
    writes,
    subject: `${a.run}: ${to === 'command_failed' ? 'fail' : to} (${a.failureClass})`,
    result: {
      id: a.run,
      path,
      state: to,
      previousState: from,
      failureClass: a.failureClass,
      entry: { at: isoSeconds(at), state: to, step: null, metrics: {}, message },
    },
  };
}

/**
 * `fail` on a run that already ended in failure corrects its class and
 * reason: the front matter and the last Job block take the new class, one
 * Status note says what it was; the state stays.
 */
function amendFailure(doc: RunLogDoc, path: string, a: FailArgs): Applied<EntryResult & { failureClass: string }> {
  const at = new Date(a.at);
  const before = doc.view.failureClass ?? doc.view.jobs.at(-1)?.fields['failure_class']?.replace(/`/g, '') ?? 'none';
  const message = `failure amended: class ${before} → ${a.failureClass}; ${a.reason}`;
  const edits: Edit[] = [doc.appendStatusEdit(`- ${statusStamp(at)} — ${message}`)];
  const fm = doc.frontMatterEdit('failure_class', a.failureClass);
  if (fm) edits.push(fm);
  const job = doc.section('Job', 'last');
  if (job) edits.push(...doc.fieldEdits(job, [['failure_class', a.failureClass]]));
  const state = doc.view.state;
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: amend failure (${a.failureClass})`,
    result: {
      id: a.run,
      path,
      state,
      previousState: state,
      failureClass: a.failureClass,
      entry: { at: isoSeconds(at), state, step: null, metrics: {}, message },
    },
  };
}

export interface CancelArgs {
  run: string;
  reason: string;
  at: string;
}

/** `experiments: false`: the caller updates experiments.md once for many runs (a campaign halt cancels hundreds). */
export async function applyCancel(
  view: LedgerView,
  a: CancelArgs,
  opts: { experiments?: boolean } = {},
): Promise<Applied<EntryResult>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  checkTransition(from, 'canceled');
  const at = new Date(a.at);
  const message = a.reason;
  const edits = entryEdits(doc, at, 'canceled', undefined, {}, message);
  edits.push(...endJobEdits(doc, at));
  const writes: Write[] = [{ path, content: applyEdits(doc.src.text, edits) }];
  if (doc.view.runType === 'experiment' && opts.experiments !== false)
    writes.push(
      await experimentsUpsert(view, folderOf(view, a.run), [{ run: a.run.split('/').pop()!, status: 'canceled' }]),
    );
  return {
    writes,
    subject: `${a.run}: cancel`,
    result: {
      id: a.run,
      path,
      state: 'canceled',
      previousState: from,
      entry: { at: isoSeconds(at), state: 'canceled', step: null, metrics: {}, message },
    },
  };
}

// ---- request ----------------------------------------------------------------

export interface RequestArgs {
  run: string;
  at: string;
  /** [Config key, value before (absent when unset), value now]. */
  changes: [string, string | undefined, string][];
}

/**
 * A new script or config for the run's next attempt (`submit`/`retry
 * --script/--config`): the Config section says what will run, and a Status
 * entry says what it said before.
 */
export function applyRequest(view: LedgerView, a: RequestArgs): Applied<{ id: string; path: string }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const config = doc.section('Config', 'first');
  if (!config)
    throw failed(
      'BROKEN_RUN_LOG',
      `${path} has no ## Config section to record the request in`,
      'add a `## Config` section by hand, commit it, then run the command again',
    );
  const value = (v: string) => `\`${v}\``;
  const said = a.changes
    .map(([k, before, now]) => `${k} ${before && !/^n\/?a$/i.test(before) ? value(before) : '(none)'} → ${value(now)}`)
    .join(', ');
  const edits: Edit[] = [
    ...doc.fieldEdits(
      config,
      a.changes.map(([k, , now]) => [k, value(now)]),
    ),
    doc.appendStatusEdit(`- ${statusStamp(new Date(a.at))} — request updated: ${said}`),
  ];
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: update request`,
    result: { id: a.run, path },
  };
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

export async function applyResume(
  view: LedgerView,
  a: ResumeArgs,
): Promise<Applied<EntryResult & { attempt: number; heading: string }>> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const from = doc.view.state;
  if (!TERMINAL.has(from) && from !== 'stalled' && from !== 'lost' && from !== 'pending') {
    throw failed(
      'RUN_ACTIVE',
      `${a.run} is ${from}; only an ended, stalled or lost run can be resumed`,
      `stop it first (\`runlog stop ${a.run}\`) or wait for it to end`,
    );
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
  const edits: Edit[] = [
    doc.jobBlockEdit(heading, fields),
    ...entryEdits(doc, at, 'pending', undefined, {}, message, { attempt: String(attempt) }),
  ];
  // The class belongs to the attempt that failed (its Job block keeps it), not to the run going again.
  const cleared = doc.frontMatterEdit('failure_class', null);
  if (cleared) edits.push(cleared);
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }, ...(await statusRow(view, doc, a.run, 'pending'))],
    subject: `${a.run}: ${a.label?.startsWith('retry') ? 'log retry' : 'log resume'}`,
    result: {
      id: a.run,
      path,
      state: 'pending',
      previousState: from,
      attempt,
      heading,
      entry: { at: isoSeconds(at), state: 'pending', step: null, metrics: {}, message },
    },
  };
}
