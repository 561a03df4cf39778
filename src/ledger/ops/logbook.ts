/**
 * Operations on logbooks (`.agents/logbooks/<slug>.md`): start a hero-run
 * logbook, add an event (by hand or from the babysitter), record a launched
 * instance, and mark events mirrored to the issue. Each is pure over (files
 * now, args); every entry carries its event id, so applying the same
 * operation twice (a re-run cycle, a replay) writes it once.
 */
import { failed, notFound } from '../../core/errors.js';
import { LogbookDoc, type MirrorState } from '../../markdown/logbook.js';
import { formatInZone } from '../../markdown/logbook.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import type { Applied, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadTemplate, renderTemplate } from '../templates.js';
import { applyNew, type NewArgs } from './record.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { posix } from 'node:path';

export type Field = [string, string];

export interface EntryArgs {
  at: string;
  /** Time the heading to the second. */
  seconds?: boolean;
  title: string;
  fields: Field[];
  eventId: string;
  mirror: Extract<MirrorState, 'pending' | 'none'>;
}

export interface LogbookWriteResult {
  slug: string;
  path: string;
  eventId: string;
  /** False when an entry with this event id was already in the logbook. */
  written: boolean;
  mirror: MirrorState;
}

function loadLogbook(view: LedgerView, path: string): LogbookDoc {
  const text = view.read(path);
  if (text === null)
    throw notFound(
      'LOGBOOK_NOT_FOUND',
      `no logbook at ${path}`,
      'start it with `runlog hero init <run> …`, or check the name',
    );
  return new LogbookDoc(text, path);
}

/** The entry as the logbook writes it: `next` fields take the logbook's own spelling of the key. */
function entryOf(doc: LogbookDoc, e: EntryArgs) {
  const fields = e.fields.map(([k, v]): Field => [/^next$/i.test(k) ? doc.nextKey : k, v]);
  return { at: new Date(e.at), seconds: e.seconds, title: e.title, fields, eventId: e.eventId, mirror: e.mirror };
}

function entryEdit(doc: LogbookDoc, e: EntryArgs): Edit | null {
  if (doc.findEvent(e.eventId)) return null;
  return doc.appendEntryEdit(entryOf(doc, e));
}

// ---- hero-event / babysit-event --------------------------------------------

export interface LogbookEventArgs extends EntryArgs {
  slug: string;
  path: string;
}

function applyEvent(what: (a: LogbookEventArgs) => string) {
  return (view: LedgerView, a: LogbookEventArgs): Applied<LogbookWriteResult> => {
    const doc = loadLogbook(view, a.path);
    const existing = doc.findEvent(a.eventId);
    const edit = existing ? null : entryEdit(doc, a);
    return {
      writes: edit ? [{ path: a.path, content: applyEdits(doc.src.text, [edit]) }] : [],
      subject: `${a.slug}: ${what(a)}`,
      result: {
        slug: a.slug,
        path: a.path,
        eventId: a.eventId,
        written: edit !== null,
        mirror: existing?.mirror ?? a.mirror,
      },
    };
  };
}

export const applyHeroEvent = applyEvent(() => 'log event');
export const applyBabysitEvent = applyEvent((a) =>
  /^babysit check\b/i.test(a.title) ? 'log babysit check' : `log ${a.title.slice(0, 72)}`,
);

// ---- mirror-posted: pending markers resolved ---------------------------------

export interface MirrorPostedArgs {
  slug: string;
  path: string;
  events: { eventId: string; state: Extract<MirrorState, 'posted'> }[];
}

export function applyMirrorPosted(
  view: LedgerView,
  a: MirrorPostedArgs,
): Applied<{ slug: string; path: string; marked: string[] }> {
  const doc = loadLogbook(view, a.path);
  const edits: Edit[] = [];
  const marked: string[] = [];
  for (const e of a.events) {
    const edit = doc.findEvent(e.eventId)?.mirror === 'pending' ? doc.mirrorStateEdit(e.eventId, e.state) : null;
    if (edit) {
      edits.push(edit);
      marked.push(e.eventId);
    }
  }
  return {
    writes: edits.length > 0 ? [{ path: a.path, content: applyEdits(doc.src.text, edits) }] : [],
    subject: `${a.slug}: mirror ${marked.length} event(s) to the issue`,
    result: { slug: a.slug, path: a.path, marked },
  };
}

// ---- hero-link: adopt an issue for an existing logbook -------------------------

export interface HeroLinkArgs {
  slug: string;
  path: string;
  /** The issue's web URL. */
  issueUrl: string;
}

/**
 * The logbook names the issue where readers look for it: front matter
 * `issue:` (when the file has front matter) and the Run Contract's `Issue`
 * field (when it has a contract); one of them at least, nothing else.
 */
export function applyHeroLink(
  view: LedgerView,
  a: HeroLinkArgs,
): Applied<{ slug: string; path: string; issueUrl: string; changed: boolean }> {
  const doc = loadLogbook(view, a.path);
  const url = a.issueUrl;
  const edits: Edit[] = [];
  const fm = doc.outline.frontMatter;
  if (fm) {
    const raw = doc.src.text.slice(fm.rawStart, fm.rawEnd);
    const m = /^issue:[^\r\n]*/m.exec(raw);
    const line = `issue: ${url}`;
    if (m) {
      if (m[0] !== line)
        edits.push({ start: fm.rawStart + m.index, end: fm.rawStart + m.index + m[0].length, text: line });
    } else edits.push({ start: fm.rawEnd, end: fm.rawEnd, text: doc.src.fragment(`${line}\n`) });
  }
  const contract = doc.outline.sections.find((x) => x.depth === 2 && /^run contract\b/i.test(x.title));
  const issueLine = contract?.contentLines.find((l) => /^\s*[-*+]\s+Issue\s*:/i.test(l.text));
  if (issueLine) {
    const colon = issueLine.text.indexOf(':');
    if (issueLine.text.slice(colon + 1).trim() !== url)
      edits.push({ start: issueLine.start + colon + 1, end: issueLine.end, text: ` ${url}` });
  } else if (!fm) {
    edits.push({ start: 0, end: 0, text: doc.src.fragment(`---\nissue: ${url}\n---\n`) });
  }
  return {
    writes: edits.length > 0 ? [{ path: a.path, content: applyEdits(doc.src.text, edits) }] : [],
    subject: `${a.slug}: link issue`,
    result: { slug: a.slug, path: a.path, issueUrl: url, changed: edits.length > 0 },
  };
}

/** `- logbook: [...](...)` in the run log's Mode section (a link GitHub follows), unless it names one already. */
function linkLogbook(text: string, runLogPath: string, logbookPath: string): string {
  const doc = new RunLogDoc(text, runLogPath);
  const mode = doc.section('Mode', 'first');
  if (!mode || doc.view.mode['logbook'] !== undefined) return text;
  const rel = posix.relative(posix.dirname(runLogPath), logbookPath);
  return applyEdits(text, doc.fieldEdits(mode, [['logbook', `[\`${logbookPath}\`](${rel})`]]));
}

// ---- hero-init ---------------------------------------------------------------

export interface HeroInitArgs {
  slug: string;
  path: string;
  at: string;
  dri: string;
  goal: string;
  stopCriteria: string;
  finalStep: number;
  retention: string;
  outputRoot: string;
  wandb: string;
  cadence: string;
  /** The issue's web URL, or null when no GitHub issue is linked. */
  issueUrl: string | null;
  eventId: string;
  /** A run log to create for the executor's Job blocks, or the id of one that exists. */
  runLog: { create: NewArgs } | { link: string; path: string } | null;
}

export interface HeroInitResult {
  slug: string;
  path: string;
  issueUrl: string | null;
  runLog: { id: string; path: string } | null;
  created: string[];
}

export async function applyHeroInit(view: LedgerView, a: HeroInitArgs): Promise<Applied<HeroInitResult>> {
  if (view.read(a.path) !== null) {
    throw failed(
      'LOGBOOK_EXISTS',
      `${a.path} already exists`,
      `use it as it is: \`runlog hero event ${a.slug} …\` or \`runlog hero launch ${a.slug} …\`; pick another run name for a new run`,
    );
  }
  const writes: Write[] = [];
  let runLog: HeroInitResult['runLog'] = null;
  if (a.runLog && 'create' in a.runLog) {
    const made = await applyNew(view, a.runLog.create);
    writes.push(...made.writes);
    runLog = { id: made.result.id, path: made.result.path };
  } else if (a.runLog) {
    runLog = { id: a.runLog.link, path: a.runLog.path };
  }
  if (runLog) {
    // Both ways: the run log names its logbook, so its Next knows it is a hero run.
    const made = writes.find((w) => w.path === runLog!.path);
    const text = made?.content ?? view.read(runLog.path);
    if (text !== null) {
      const linked = linkLogbook(text, runLog.path, a.path);
      if (made) made.content = linked;
      else if (linked !== text) writes.push({ path: runLog.path, content: linked });
    }
  }
  const at = new Date(a.at);
  const t = formatInZone(at, 'UTC');
  const issue = a.issueUrl ?? 'none (no GitHub issue linked)';
  const content = renderTemplate(
    loadTemplate('logbook.md', { root: view.root, templatesDir: view.config.templates_dir }),
    {
      run: a.slug,
      issue_front: a.issueUrl ?? 'null',
      issue,
      dri: a.dri,
      goal: a.goal,
      stop_criteria: a.stopCriteria,
      wandb: a.wandb,
      output_root: a.outputRoot,
      final_step: String(a.finalStep),
      retention: a.retention,
      cadence: a.cadence,
      run_log: runLog ? `\`${runLog.path}\`` : 'none',
      created_stamp: `${t.date} ${t.time} ${t.zone}`,
      created_marker: `<!-- runlog:event=${a.eventId} mirror=none -->`,
    },
  );
  writes.push({ path: a.path, content });
  return {
    writes,
    subject: `${a.slug}: start hero-run logbook`,
    result: { slug: a.slug, path: a.path, issueUrl: a.issueUrl, runLog, created: writes.map((w) => w.path) },
  };
}

// ---- hero-launch ---------------------------------------------------------------

export interface HeroLaunchArgs {
  slug: string;
  path: string;
  at: string;
  relaunch: boolean;
  instance: { title: string; fields: Field[] };
  entry: EntryArgs;
  /** Extra files written in the same commit (the resolved config snapshot). */
  files: { path: string; content: string }[];
}

export function applyHeroLaunch(
  view: LedgerView,
  a: HeroLaunchArgs,
): Applied<LogbookWriteResult & { instance: string; relaunch: boolean }> {
  const doc = loadLogbook(view, a.path);
  const what = a.relaunch ? 'log relaunch' : 'log launch';
  const result = {
    slug: a.slug,
    path: a.path,
    eventId: a.entry.eventId,
    instance: a.instance.title,
    relaunch: a.relaunch,
  };
  if (doc.findEvent(a.entry.eventId)) {
    return {
      writes: [],
      subject: `${a.slug}: ${what}`,
      result: { ...result, written: false, mirror: doc.findEvent(a.entry.eventId)!.mirror ?? 'none' },
    };
  }
  const at = new Date(a.at);
  const edits: Edit[] = [
    doc.appendInstanceEdit({ at, title: a.instance.title, fields: a.instance.fields }),
    doc.appendEntryEdit(entryOf(doc, a.entry)),
  ];
  const writes: Write[] = [{ path: a.path, content: applyEdits(doc.src.text, edits) }];
  for (const f of a.files) writes.push({ path: f.path, content: f.content });
  return { writes, subject: `${a.slug}: ${what}`, result: { ...result, written: true, mirror: a.entry.mirror } };
}

export const LOGBOOK_OPERATIONS = {
  'hero-init': applyHeroInit,
  'hero-event': applyHeroEvent,
  'hero-launch': applyHeroLaunch,
  'babysit-event': applyBabysitEvent,
  'hero-link': applyHeroLink,
  'mirror-posted': applyMirrorPosted,
} as const;
