/**
 * The run log document: a typed view over the Markdown, and the surgical
 * edits that operations make to it.
 *
 * The view is read from front matter when present, and derived from the body
 * otherwise (hand-kept ledgers have none): run type from `## Mode`, state from
 * the last dated Status entry or a filled Results section, jobs from the Job
 * headings. Derived values are marked `inferred`.
 */
import { outline, sectionsNamed, type Outline, type Section } from './outline.js';
import { Source, type Edit, type Line } from './source.js';
import { parseFrontMatter, type FrontMatter } from './frontmatter.js';
import { parseStatusLine, type StatusEntry } from './status-line.js';
import { isState, type RunState } from '../core/lifecycle.js';
import { RunlogError } from '../core/errors.js';

export interface Diagnostic {
  file: string;
  line: number;
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface JobBlock {
  heading: string;
  line: number;
  fields: Record<string, string>;
}

export interface RunLogView {
  title: string | null;
  hasFrontMatter: boolean;
  frontMatter: FrontMatter | null;
  state: RunState;
  stateInferred: boolean;
  runType: string | null;
  subtype: string | null;
  objective: string | null;
  campaign: string | null;
  attempt: number;
  failureClass: string | null;
  mode: Record<string, string>;
  config: Record<string, string>;
  jobs: JobBlock[];
  status: StatusEntry[];
  results: Record<string, string> | null;
  wandb: Record<string, string> | null;
  next: string[];
  sections: string[];
}

export class RunLogDoc {
  readonly src: Source;
  readonly outline: Outline;
  readonly file: string;
  readonly diagnostics: Diagnostic[] = [];
  readonly view: RunLogView;

  constructor(text: string, file: string) {
    this.src = new Source(text);
    this.outline = outline(this.src);
    this.file = file;
    this.view = this.read();
  }

  /** False for Markdown that sits among run logs but is not one (write-ups, model-card drafts). */
  get isRun(): boolean {
    return isRunShaped(this.outline);
  }

  get errors(): Diagnostic[] {
    return this.diagnostics.filter((d) => d.severity === 'error');
  }

  private diag(line: number, rule: string, message: string, severity: 'error' | 'warning' = 'error') {
    this.diagnostics.push({ file: this.file, line, rule, message, severity });
  }

  private read(): RunLogView {
    const o = this.outline;
    let fm: FrontMatter | null = null;
    if (o.unclosedFrontMatterLine !== undefined) {
      this.diag(o.unclosedFrontMatterLine, 'front-matter', 'front matter opened with --- is never closed');
    } else if (o.frontMatter) {
      const res = parseFrontMatter(this.src.text.slice(o.frontMatter.start, o.frontMatter.end), o.frontMatter.openLine);
      if (res.ok) fm = res.data;
      else this.diag(res.line ?? o.frontMatter.openLine, 'front-matter', res.message);
    }

    const title = o.sections.find((s) => s.depth === 1)?.title ?? null;
    const mode = fieldsOf(sectionsNamed(o, 'Mode')[0]);
    const config = fieldsOf(sectionsNamed(o, 'Config')[0]);
    const jobs: JobBlock[] = sectionsNamed(o, 'Job').map((s) => ({
      heading: s.title,
      line: s.line,
      fields: fieldsOf(s),
    }));
    const statusSections = sectionsNamed(o, 'Status');
    const status: StatusEntry[] = [];
    for (const s of statusSections) {
      for (const l of s.contentLines) {
        const e = parseStatusLine(l.text, l.number);
        if (e) status.push(e);
      }
    }
    const resultSections = sectionsNamed(o, 'Results');
    const results = resultSections.length > 0 ? mergeResults(resultSections) : null;
    const wandbSection = sectionsNamed(o, 'W&B')[0];
    const nextSection = sectionsNamed(o, 'Next')[0];

    if (statusSections.length === 0 && isRunShaped(o)) {
      const lastJob = sectionsNamed(o, 'Job').pop();
      this.diag(
        lastJob?.line ?? o.sections.find((s) => s.depth === 1)?.line ?? 1,
        'missing-status',
        `the run log has no \`## Status\` section${lastJob ? ' (it belongs after this Job block)' : ''}`,
      );
    }

    const runTypeRaw = fm?.run_type ?? mode['run_type'] ?? mode['run type'] ?? null;
    const rt = runTypeRaw ? /^(replication|experiment|pipeline)\b\s*(?:\((.*)\))?/i.exec(runTypeRaw.trim()) : null;
    const derived = deriveState(status, results);
    const state = fm?.state ?? derived;
    const attempt = fm?.attempt ?? Math.max(1, jobs.length);
    return {
      title,
      hasFrontMatter: o.frontMatter !== undefined,
      frontMatter: fm,
      state,
      stateInferred: !fm,
      runType: rt ? rt[1]!.toLowerCase() : runTypeRaw,
      subtype: fm?.subtype ?? rt?.[2] ?? null,
      objective: mode['objective'] ?? null,
      campaign: fm?.campaign ?? null,
      attempt,
      failureClass: fm?.failure_class ?? null,
      mode,
      config,
      jobs,
      status,
      results:
        results && Object.keys(results).length > 0
          ? results
          : results && sectionHasText(resultSections)
            ? results
            : null,
      wandb: wandbSection ? fieldsOf(wandbSection) : null,
      next: nextSection ? nextSection.bodyLines.map((l) => l.text).filter((t) => t.trim() !== '') : [],
      sections: o.sections.filter((s) => s.depth === 2).map((s) => s.title),
    };
  }

  /** Refuse to write into a file a human broke: say where and what. */
  assertWritable(): void {
    if (this.errors.length > 0) throw brokenError(this.errors);
  }

  // ---- edits -------------------------------------------------------------

  /** Insert a status entry after the last entry of the last Status section. */
  appendStatusEdit(entryLine: string): Edit {
    const sections = sectionsNamed(this.outline, 'Status');
    const section = sections[sections.length - 1];
    if (!section)
      throw brokenError([
        {
          file: this.file,
          line: 1,
          rule: 'missing-status',
          message: 'the run log has no `## Status` section',
          severity: 'error',
        },
      ]);
    return insertListItem(this.src, this.outline, section, entryLine);
  }

  /** Replace (or add) `key: value` in the front matter, or remove the key (null); no-op for files without one. */
  frontMatterEdit(key: string, value: string | null): Edit | null {
    const fm = this.outline.frontMatter;
    if (!fm) return null;
    const raw = this.src.text.slice(fm.rawStart, fm.rawEnd);
    const re = new RegExp(`^${key}:[^\\r\\n]*`, 'm');
    const m = re.exec(raw);
    if (value === null) {
      if (!m) return null;
      const end = fm.rawStart + m.index + m[0].length;
      return {
        start: fm.rawStart + m.index,
        end: this.src.text.startsWith('\r\n', end) ? end + 2 : this.src.text[end] === '\n' ? end + 1 : end,
        text: '',
      };
    }
    if (m) return { start: fm.rawStart + m.index, end: fm.rawStart + m.index + m[0].length, text: `${key}: ${value}` };
    return { start: fm.rawEnd, end: fm.rawEnd, text: this.src.fragment(`${key}: ${value}\n`) };
  }

  /** Set `- key: value` list fields in a section (first match by name), adding missing ones. */
  fieldEdits(section: Section, fields: [string, string][]): Edit[] {
    const edits: Edit[] = [];
    const missing: string[] = [];
    for (const [key, value] of fields) {
      const line = section.contentLines.find((l) => fieldKey(l.text)?.toLowerCase() === key.toLowerCase());
      if (line) {
        const colon = line.text.indexOf(':');
        edits.push({ start: line.start + colon + 1, end: line.end, text: ` ${value}` });
      } else {
        missing.push(`- ${key}: ${value}`);
      }
    }
    if (missing.length > 0) edits.push(insertListItem(this.src, this.outline, section, missing.join('\n')));
    return edits;
  }

  section(name: string, which: 'first' | 'last' = 'first'): Section | undefined {
    const all = sectionsNamed(this.outline, name);
    return which === 'first' ? all[0] : all[all.length - 1];
  }

  /**
   * Insert a whole new `## <heading>` block after the last Job block and the
   * per-job sections that follow it (`## Status (resubmit)`, `## W&B (job 4)`),
   * so the new block never splits a job from its own notes; before Status
   * when there is no Job block yet.
   */
  jobBlockEdit(heading: string, fields: [string, string][]): Edit {
    const jobs = sectionsNamed(this.outline, 'Job');
    const block = `## ${heading}\n${fields.map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n`;
    const lastJob = jobs[jobs.length - 1];
    const anchor = lastJob ? lastPerJobSection(this.outline, lastJob) : sectionsNamed(this.outline, 'Status')[0];
    if (!anchor)
      return { start: this.src.text.length, end: this.src.text.length, text: this.src.fragment(`\n${block}`) };
    const at = jobs.length > 0 ? anchor.end : anchor.start;
    const before = this.src.text.slice(0, at);
    const lead =
      at === this.src.text.length && !before.endsWith('\n') ? '\n\n' : before.endsWith('\n\n') || at === 0 ? '' : '\n';
    return { start: at, end: at, text: this.src.fragment(lead + block) };
  }
}

/** Every writer refuses a broken file alike: the first problem as `file:line: what`. */
export function brokenError(errors: Diagnostic[]) {
  const first = errors[0]!;
  return new BrokenRunLogError(errors, `${first.file}:${first.line}: ${first.message}`);
}

export class BrokenRunLogError extends RunlogError {
  constructor(
    readonly diagnostics: Diagnostic[],
    message: string,
  ) {
    super(
      'failed',
      'BROKEN_RUN_LOG',
      message,
      'fix the file by hand (see `runlog show` for every problem), commit it, then run the command again',
      {
        details: { diagnostics },
      },
    );
  }
}

function fieldKey(text: string): string | null {
  const m = /^ {0,3}[-*+][ \t]+([^:]{1,60}?):(?:[ \t]|$)/.exec(text);
  return m ? m[1]!.trim().replace(/^(`|\*\*|__)|(`|\*\*|__)$/g, '') : null;
}

/** `- key: value` lines of a section body, key lower-cased; values with backticks unwrapped. */
export function fieldsOf(section: Section | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!section) return out;
  for (const l of section.contentLines) {
    const key = fieldKey(l.text);
    if (!key) continue;
    const value = l.text.slice(l.text.indexOf(':') + 1).trim();
    const k = key.toLowerCase();
    if (!(k in out)) out[k] = unwrapCode(value);
  }
  return out;
}

function unwrapCode(v: string): string {
  const m = /^`([^`]*)`$/.exec(v);
  return m ? m[1]! : v;
}

function sectionHasText(sections: Section[]): boolean {
  return sections.some((s) => s.contentLines.some((l) => l.text.trim() !== ''));
}

function deriveState(status: StatusEntry[], results: Record<string, string> | null): RunState {
  for (let i = status.length - 1; i >= 0; i--) {
    const e = status[i]!;
    if (e.continuation || !e.state) continue;
    if (isState(e.state)) return e.state;
  }
  if (results && (results['final step'] || results['end_train_loss'] || results['checkpoint'])) return 'completed';
  const lastDated = [...status].reverse().find((e) => !e.continuation);
  return lastDated ? 'running' : 'pending';
}

/** `## Status (resubmit)`, `## W&B (resubmit — job 4421003)`: a section that belongs to one job. */
const PER_JOB = /^(?:Status|W&B|Results|Notes)[ \t]*[(\u2014\u2013-]/i;

/** The last Job block, or the last of the per-job sections right after it. */
function lastPerJobSection(o: Outline, job: Section): Section {
  const top = o.sections.filter((s) => s.depth <= 2);
  let k = top.indexOf(job);
  while (k + 1 < top.length && top[k + 1]!.depth === 2 && PER_JOB.test(top[k + 1]!.title)) k++;
  return top[k]!;
}

/** Several Results sections: the one marked `(primary)` first, then file order; a key's first value wins. */
function mergeResults(sections: Section[]): Record<string, string> {
  const ordered = [
    ...sections.filter((s) => /\bprimary\b/i.test(s.title)),
    ...sections.filter((s) => !/\bprimary\b/i.test(s.title)),
  ];
  const out: Record<string, string> = {};
  for (const s of ordered) for (const [k, v] of Object.entries(fieldsOf(s))) if (!(k in out)) out[k] = v;
  return out;
}

/** Front matter that carries runlog's own keys (a model card's license/tags does not). */
const RUNLOG_KEY = /^(?:schema_version|id|state|run_type|attempt)[ \t]*:/m;

/**
 * Whether a Markdown file in the runs folder is a run log: runlog front
 * matter, or a Mode, Job or Status section. Timelines, experiment tables,
 * model-card drafts and eval write-ups are not, even with a dated name.
 */
export function isRunShaped(o: Outline): boolean {
  if (o.unclosedFrontMatterLine !== undefined) return true;
  if (o.frontMatter) return RUNLOG_KEY.test(o.frontMatter.raw) || !/^[ \t]*[\w-]+[ \t]*:/m.test(o.frontMatter.raw);
  return ['Mode', 'Job', 'Status'].some((n) => sectionsNamed(o, n).length > 0);
}

export function looksLikeRunLog(text: string): boolean {
  const src = new Source(text);
  return isRunShaped(outline(src));
}

const ITEM_START = /^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)/;
const BLOCK_START = /^ {0,3}(?:#{1,6}(?:[ \t]|$)|`{3,}|~{3,}|<|>|(?:[-*_][ \t]*){3,}$)/;

function columns(text: string): number {
  return text.replace(/\t/g, '    ').length;
}

function indentWidth(text: string): number {
  return columns(/^[ \t]*/.exec(text)![0]);
}

/** The column where a list item's content starts (CommonMark: 1-4 spaces after the marker). */
function itemContentColumn(m: RegExpExecArray, line: string): number {
  const base = columns(m[1]!) + m[2]!.length;
  const gap = columns(m[3]!);
  return gap === 0 || gap > 4 || line.trim() === m[0].trim() ? base + 1 : base + gap;
}

/**
 * Insert list text after the last top-level list item of a section,
 * including everything that belongs to that item (indented lines, lazy
 * continuation lines, an indented comment), so the original item keeps its
 * meaning. Lines inside comments and code never count as items. A section
 * with no list gets the text after its last non-blank line, or right under
 * its heading.
 */
function insertListItem(src: Source, o: Outline, section: Section, text: string): Edit {
  let lastItem: Line | undefined;
  let itemContent = 0;
  for (const l of section.contentLines) {
    const m = ITEM_START.exec(l.text);
    if (!m || (lastItem && indentWidth(l.text) >= itemContent)) continue;
    lastItem = l;
    itemContent = itemContentColumn(m, l.text);
  }
  const marker = lastItem ? ITEM_START.exec(lastItem.text)![2]! : '-';
  const listText = marker === '*' || marker === '+' ? text.replace(/^- /gm, `${marker} `) : text;
  const body = section.bodyLines;
  if (lastItem) {
    const last = body[body.length - 1]!.number - 1;
    let end = lastItem.number - 1;
    let lazyOk = true;
    for (let i = end + 1; i <= last; i++) {
      const t = src.lines[i]!.text;
      if (t.trim() === '') {
        let k = i + 1;
        while (k <= last && src.lines[k]!.text.trim() === '') k++;
        if (k > last || indentWidth(src.lines[k]!.text) < itemContent) break;
        i = k - 1;
        lazyOk = false;
        continue;
      }
      if (indentWidth(t) >= itemContent) {
        end = i;
        lazyOk = !o.hidden[i];
        continue;
      }
      // A lazy continuation line: paragraph text right under the item's paragraph.
      if (lazyOk && !o.hidden[i] && !BLOCK_START.test(t) && !ITEM_START.test(t)) {
        end = i;
        continue;
      }
      break;
    }
    return after(src, src.lines[end]!, listText);
  }
  const lastNonBlank = [...body].reverse().find((l) => l.text.trim() !== '');
  if (lastNonBlank) {
    // After a code block or a comment that might not have ended, a blank line keeps the list out of it.
    const closes = !o.hidden[lastNonBlank.number - 1] || /-->|^ {0,3}(`{3,}|~{3,})[ \t]*$/.test(lastNonBlank.text);
    return after(src, lastNonBlank, closes ? listText : `\n${listText}`);
  }
  const headEnd = src.lines[src.lineAt(Math.max(0, section.bodyStart - 1)) - 1]!;
  return after(src, headEnd, listText, body.length === 0 && headEnd.next < src.text.length ? '\n' : '');
}

function after(src: Source, line: Line, text: string, suffix = ''): Edit {
  if (line.next === line.end) {
    // Last line of a file with no final newline.
    return { start: line.end, end: line.end, text: src.fragment(`\n${text}${suffix}`) };
  }
  return { start: line.next, end: line.next, text: src.fragment(`${text}\n${suffix}`) };
}
