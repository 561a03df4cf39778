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
import { isState, type RunState } from '../ledger/lifecycle.js';
import { RunlogError } from '../errors.js';

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
    const jobs: JobBlock[] = sectionsNamed(o, 'Job').map((s) => ({ heading: s.title, line: s.line, fields: fieldsOf(s) }));
    const statusSections = sectionsNamed(o, 'Status');
    const status: StatusEntry[] = [];
    for (const s of statusSections) {
      for (const l of s.bodyLines) {
        const e = parseStatusLine(l.text, l.number);
        if (e) status.push(e);
      }
    }
    const resultSections = sectionsNamed(o, 'Results');
    const results = resultSections.length > 0 ? Object.assign({}, ...resultSections.map((s) => fieldsOf(s))) as Record<string, string> : null;
    const wandbSection = sectionsNamed(o, 'W&B')[0];
    const nextSection = sectionsNamed(o, 'Next')[0];

    if (statusSections.length === 0) {
      const hasStructure = o.sections.some((s) => s.depth === 2);
      if (fm || hasStructure) this.diag(title ? o.sections[0]!.line : 1, 'missing-status', 'the run log has no `## Status` section');
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
      results: results && Object.keys(results).length > 0 ? results : results && sectionHasText(resultSections) ? results : null,
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
    if (!section) throw brokenError([{ file: this.file, line: 1, rule: 'missing-status', message: 'the run log has no `## Status` section', severity: 'error' }]);
    return insertListItem(this.src, section, entryLine);
  }

  /** Replace (or add) `key: value` in the front matter; no-op for files without one. */
  frontMatterEdit(key: string, value: string): Edit | null {
    const fm = this.outline.frontMatter;
    if (!fm) return null;
    const raw = this.src.text.slice(fm.rawStart, fm.rawEnd);
    const re = new RegExp(`^${key}:[^\\r\\n]*`, 'm');
    const m = re.exec(raw);
    if (m) return { start: fm.rawStart + m.index, end: fm.rawStart + m.index + m[0].length, text: `${key}: ${value}` };
    return { start: fm.rawEnd, end: fm.rawEnd, text: this.src.fragment(`${key}: ${value}\n`) };
  }

  /** Set `- key: value` list fields in a section (first match by name), adding missing ones. */
  fieldEdits(section: Section, fields: [string, string][]): Edit[] {
    const edits: Edit[] = [];
    const missing: string[] = [];
    for (const [key, value] of fields) {
      const line = section.bodyLines.find((l) => fieldKey(l.text)?.toLowerCase() === key.toLowerCase());
      if (line) {
        const colon = line.text.indexOf(':');
        edits.push({ start: line.start + colon + 1, end: line.end, text: ` ${value}` });
      } else {
        missing.push(`- ${key}: ${value}`);
      }
    }
    if (missing.length > 0) edits.push(insertListItem(this.src, section, missing.join('\n')));
    return edits;
  }

  section(name: string, which: 'first' | 'last' = 'first'): Section | undefined {
    const all = sectionsNamed(this.outline, name);
    return which === 'first' ? all[0] : all[all.length - 1];
  }

  /** Insert a whole new `## <heading>` block right after the last Job block (before Status). */
  jobBlockEdit(heading: string, fields: [string, string][]): Edit {
    const jobs = sectionsNamed(this.outline, 'Job');
    const block = `## ${heading}\n${fields.map(([k, v]) => `- ${k}: ${v}`).join('\n')}\n\n`;
    const anchor = jobs[jobs.length - 1] ?? sectionsNamed(this.outline, 'Status')[0];
    if (!anchor) return { start: this.src.text.length, end: this.src.text.length, text: this.src.fragment(`\n${block}`) };
    const at = jobs.length > 0 ? anchor.end : anchor.start;
    const before = this.src.text.slice(0, at);
    const lead = at === this.src.text.length && !before.endsWith('\n') ? '\n\n' : before.endsWith('\n\n') || at === 0 ? '' : '\n';
    return { start: at, end: at, text: this.src.fragment(lead + block) };
  }
}

/** Every writer refuses a broken file alike: the first problem as `file:line: what`. */
export function brokenError(errors: Diagnostic[]) {
  const first = errors[0]!;
  return new BrokenRunLogError(errors, `${first.file}:${first.line}: ${first.message}`);
}


export class BrokenRunLogError extends RunlogError {
  constructor(readonly diagnostics: Diagnostic[], message: string) {
    super('failed', 'BROKEN_RUN_LOG', message, 'fix the file by hand (see `runlog show` for every problem), commit it, then run the command again', {
      details: { diagnostics },
    });
  }
}

function fieldKey(text: string): string | null {
  const m = /^ {0,3}[-*+][ \t]+([^:]{1,60}?):(?:[ \t]|$)/.exec(text);
  return m ? m[1]!.trim().replace(/^`|`$/g, '') : null;
}

/** `- key: value` lines of a section body, key lower-cased; values with backticks unwrapped. */
export function fieldsOf(section: Section | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!section) return out;
  for (const l of section.bodyLines) {
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
  return sections.some((s) => s.bodyLines.some((l) => l.text.trim() !== '' && !/^<!--.*-->$/.test(l.text.trim())));
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

/**
 * Insert list text after the last list item (and its indented continuation
 * lines) of a section; into an empty section after its first blank line.
 */
function insertListItem(src: Source, section: Section, text: string): Edit {
  const lines = section.bodyLines;
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.text;
    if (/^ {0,3}[-*+][ \t]/.test(t)) last = i;
    else if (last === i - 1 && last >= 0 && /^[ \t]+\S/.test(t)) last = i;
  }
  if (last === -1) {
    const lastText = [...lines].reverse().find((l) => l.text.trim() !== '');
    if (lastText) return after(src, lastText, text);
    const followedByHeading = section.bodyLines.length === 0 ? src.lines[section.headingIndex]!.next < src.text.length : lines[lines.length - 1]!.next < src.text.length;
    const firstBlank = lines[0];
    if (firstBlank) {
      // `## Status`, blank, next heading: keep a blank line on both sides.
      const gap = lines.length === 1 && followedByHeading ? '\n' : '';
      return { start: firstBlank.next, end: firstBlank.next, text: src.fragment(`${text}\n${gap}`) };
    }
    const heading = src.lines[section.headingIndex]!;
    return after(src, heading, `\n${text}`, followedByHeading ? '\n' : '');
  }
  return after(src, lines[last]!, text);
}

function after(src: Source, line: Line, text: string, suffix = ''): Edit {
  if (line.next === line.end) {
    // Last line of a file with no final newline.
    return { start: line.end, end: line.end, text: src.fragment(`\n${text}${suffix}`) };
  }
  return { start: line.next, end: line.next, text: src.fragment(`${text}\n${suffix}`) };
}
