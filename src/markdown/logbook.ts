/**
 * The logbook of an expensive run (`.agents/logbooks/<slug>.md`), in the two
 * shapes people keep: the hero-run shape (`## Run Contract`,
 * `## Launched Instances`, `## Event Log`) and the
 * research task logbook (`## Entry Log`). Entries are
 * `### YYYY-MM-DD HH:MM <TZ> - <title>`.
 *
 * Reading is one line scan (the shared outline); writing is one splice at
 * the place the file's own order asks for, in the file's own time-zone
 * style, so a 120 KB hand-kept logbook is never re-serialised.
 */
import jsYaml from 'js-yaml';
import { outline, type Outline, type Section } from './outline.js';
import { Source, type Edit, type Line } from './source.js';

export type LogbookShape = 'hero' | 'task' | 'other';
/** `oldest-first`: new entries go at the bottom; `newest-first`: at the top of the event section. */
export type EntryOrder = 'oldest-first' | 'newest-first';
/** What runlog knows about mirroring an entry to the issue, from its hidden marker line. */
export type MirrorState = 'pending' | 'posted' | 'none';

export interface LogbookEntry {
  /** Heading text after `### `. */
  heading: string;
  /** 1-based line of the heading. */
  line: number;
  /** Offset of the heading line; the entry runs to `end` (next heading or section end). */
  start: number;
  end: number;
  date: string;
  time: string | null;
  zone: string | null;
  title: string;
  /** Epoch milliseconds when date, time and zone resolve; null otherwise (date-only, `~`, unknown zone). */
  at: number | null;
  fields: Record<string, string>;
  /** From a runlog marker line `<!-- runlog:event=<id> mirror=<state> -->`; null on hand-written entries. */
  eventId: string | null;
  mirror: MirrorState | null;
  markerLine: Line | null;
}

export interface LaunchedInstance {
  heading: string;
  line: number;
  title: string;
  fields: Record<string, string>;
}

/** How the file writes times: the zone label of its latest timed entry and how to render it. */
export interface TimeStyle {
  /** `UTC`, `PDT`, `CET`, ... as written in the file. */
  zone: string;
  /** False when the file's zone is one runlog cannot render; entries are then written in UTC. */
  known: boolean;
  /** Separator between time and title, as the file writes it (`-`, `—`, `–`). */
  separator: string;
}

export interface NewEntry {
  at: Date;
  /** Write the time to the second (a babysitter checking more often than once a minute). */
  seconds?: boolean;
  title: string;
  /** `[key, value]` list items, in order; empty values are skipped. */
  fields: [string, string][];
  eventId: string;
  mirror: MirrorState;
}

export interface NewInstance {
  at: Date;
  title: string;
  fields: [string, string][];
}

const HEADING =
  /^(\d{4}-\d{2}-\d{2})(?:[ T]+(~?\d{1,2}:(?:\d{2}(?::\d{2})?|XX)))?(?:\s+([A-Za-z]{1,5}|[+-]\d{2}:?\d{2}))?\s+([-\u2014\u2013])\s+(.*)$/;
const FIELD = /^\s{0,3}[-*+]\s+(?:\*\*|`)?([A-Za-z][A-Za-z0-9 _/()'-]{0,40}?)(?:\*\*|`)?\s*:(?:\*\*)?\s*(.*)$/;
const MARKER = /^<!-- runlog:event=([A-Za-z0-9][A-Za-z0-9._:@+/-]*) mirror=(pending|posted|none) -->\s*$/;

/** Zones runlog can render: a fixed offset, or an IANA zone whose DST abbreviation follows the date. */
interface ZoneRule {
  iana?: string;
  std: string;
  dst?: string;
  /** Standard offset from UTC in minutes. */
  stdOffset: number;
}

const ZONE_RULES: ZoneRule[] = [
  { std: 'UTC', stdOffset: 0 },
  { std: 'GMT', stdOffset: 0 },
  { std: 'Z', stdOffset: 0 },
  { iana: 'America/Los_Angeles', std: 'PST', dst: 'PDT', stdOffset: -480 },
  { iana: 'America/Denver', std: 'MST', dst: 'MDT', stdOffset: -420 },
  { iana: 'America/Chicago', std: 'CST', dst: 'CDT', stdOffset: -360 },
  { iana: 'America/New_York', std: 'EST', dst: 'EDT', stdOffset: -300 },
  { iana: 'Europe/London', std: 'GMT', dst: 'BST', stdOffset: 0 },
  { iana: 'Europe/Berlin', std: 'CET', dst: 'CEST', stdOffset: 60 },
  { std: 'IST', stdOffset: 330 },
  { std: 'JST', stdOffset: 540 },
  { std: 'KST', stdOffset: 540 },
];

function ruleFor(zone: string): { rule: ZoneRule; offset: number } | null {
  const z = zone.toUpperCase();
  for (const rule of ZONE_RULES) {
    if (rule.std === z) return { rule, offset: rule.stdOffset };
    if (rule.dst === z) return { rule, offset: rule.stdOffset + 60 };
  }
  const numeric = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (numeric) {
    const minutes = (Number(numeric[2]) * 60 + Number(numeric[3])) * (numeric[1] === '-' ? -1 : 1);
    return { rule: { std: zone, stdOffset: minutes }, offset: minutes };
  }
  return null;
}

/** Offset (minutes) of an IANA zone at an instant, from Intl ("GMT-7"). */
function ianaOffset(iana: string, d: Date): number {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: iana, timeZoneName: 'shortOffset' })
      .formatToParts(d)
      .find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{1,2})(?::(\d{2}))?/.exec(name);
  if (!m) return 0;
  return (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === '-' ? -1 : 1);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `{date, time, zone}` of an instant in the file's style. */
/** `seconds`: `HH:MM:SS`, for entries written more often than once a minute. */
export function formatInZone(d: Date, zone: string, seconds = false): { date: string; time: string; zone: string } {
  const r = ruleFor(zone);
  let offset = 0;
  let label = 'UTC';
  if (r) {
    if (r.rule.iana && r.rule.dst) {
      offset = ianaOffset(r.rule.iana, d);
      label = offset === r.rule.stdOffset ? r.rule.std : r.rule.dst;
    } else {
      offset = r.offset;
      label = zone;
    }
  }
  const local = new Date(d.getTime() + offset * 60_000);
  return {
    date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}${seconds ? `:${pad(local.getUTCSeconds())}` : ''}`,
    zone: label,
  };
}

/** Epoch ms of a heading's date/time/zone, or null when it does not pin an instant. */
export function headingInstant(date: string, time: string | null, zone: string | null): number | null {
  if (!time || !zone || !/^\d{1,2}:\d{2}(?::\d{2})?$/.test(time)) return null;
  const r = ruleFor(zone);
  if (!r) return null;
  const [h, m, sec = 0] = time.split(':').map(Number) as [number, number, number?];
  const base = Date.parse(`${date}T${pad(h)}:${pad(m)}:${pad(sec)}Z`);
  return Number.isFinite(base) ? base - r.offset * 60_000 : null;
}

export function parseEntryHeading(
  text: string,
): { date: string; time: string | null; zone: string | null; separator: string; title: string } | null {
  const m = HEADING.exec(text.trim());
  if (!m) return null;
  return { date: m[1]!, time: m[2] ?? null, zone: m[3] ?? null, separator: m[4]!, title: m[5]!.trim() };
}

export function formatMarker(eventId: string, mirror: MirrorState): string {
  return `<!-- runlog:event=${eventId} mirror=${mirror} -->`;
}

/** A list item's `key: value`, or null. Keys are compared case-insensitively by callers. */
export function parseField(text: string): [string, string] | null {
  const m = FIELD.exec(text);
  return m ? [m[1]!.trim(), m[2]!.trim()] : null;
}

function fieldsOf(lines: readonly Line[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of lines) {
    const f = parseField(l.text);
    if (f && !(f[0] in out)) out[f[0]] = f[1];
  }
  return out;
}

/** `value` of `key` (any case) in a field map. */
export function field(fields: Record<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const hit = Object.keys(fields).find((f) => f.toLowerCase() === k.toLowerCase());
    if (hit !== undefined) return fields[hit];
  }
  return undefined;
}

export class LogbookDoc {
  readonly src: Source;
  readonly outline: Outline;
  readonly file: string;
  readonly frontMatter: Record<string, unknown> | null;
  readonly title: string | null;
  readonly shape: LogbookShape;
  /** `## Event Log` (hero) or `## Entry Log` (task); undefined when the file has neither. */
  readonly eventSection: Section | undefined;
  readonly entries: LogbookEntry[];

  constructor(text: string, file: string) {
    this.src = new Source(text);
    this.outline = outline(this.src);
    this.file = file;
    this.frontMatter = readFrontMatter(this.outline);
    this.title = this.outline.sections.find((s) => s.depth === 1)?.title ?? null;
    const h2 = (name: RegExp) => this.outline.sections.find((s) => s.depth === 2 && name.test(s.title));
    const eventLog = h2(/^event log\b/i);
    const entryLog = h2(/^entry log\b/i);
    this.shape =
      h2(/^run contract\b/i) || eventLog
        ? 'hero'
        : entryLog || /task logbook/i.test(this.title ?? '')
          ? 'task'
          : 'other';
    this.eventSection = eventLog ?? entryLog;
    this.entries = this.eventSection ? this.readEntries(this.eventSection) : [];
  }

  /** The name of the section events go into (and would be created with). */
  get eventSectionName(): string {
    return this.eventSection?.title ?? (this.shape === 'task' ? 'Entry Log' : 'Event Log');
  }

  private readEntries(section: Section): LogbookEntry[] {
    const headings = this.outline.sections.filter(
      (s) => s.depth === 3 && s.start >= section.bodyStart && s.start < section.end,
    );
    const out: LogbookEntry[] = [];
    for (const h of headings) {
      const parsed = parseEntryHeading(h.title);
      if (!parsed) continue;
      let eventId: string | null = null;
      let mirror: MirrorState | null = null;
      let markerLine: Line | null = null;
      for (const l of h.bodyLines) {
        const m = MARKER.exec(l.text);
        if (m) {
          eventId = m[1]!;
          mirror = m[2] as MirrorState;
          markerLine = l;
        }
      }
      out.push({
        heading: h.title,
        line: h.line,
        start: h.start,
        end: Math.min(h.end, section.end),
        date: parsed.date,
        time: parsed.time,
        zone: parsed.zone,
        title: parsed.title,
        at: headingInstant(parsed.date, parsed.time, parsed.zone),
        fields: fieldsOf(h.bodyLines),
        eventId,
        mirror,
        markerLine,
      });
    }
    return out;
  }

  /**
   * The file's order: newest-first when its top entry is strictly the newest
   * (a file that prepends above an older block counts), oldest-first otherwise.
   */
  get order(): EntryOrder {
    if (this.entries.length < 2) return 'oldest-first';
    const key = (e: LogbookEntry) =>
      e.at !== null
        ? new Date(e.at).toISOString().slice(0, 16)
        : `${e.date}T${(e.time ?? '00:00').replace('~', '').padStart(5, '0')}`;
    const top = key(this.entries[0]!);
    const rest = this.entries.slice(1).map(key);
    return rest.every((k) => top > k) ? 'newest-first' : 'oldest-first';
  }

  /** Zone and separator of the latest timed entry; UTC and ` - ` for a file that has none. */
  get timeStyle(): TimeStyle {
    const timed = this.entries.filter((e) => e.time !== null && e.zone !== null);
    const latest = timed.length === 0 ? undefined : this.order === 'newest-first' ? timed[0] : timed[timed.length - 1];
    const sepSource = this.order === 'newest-first' ? this.entries[0] : this.entries[this.entries.length - 1];
    const separator = sepSource ? (parseEntryHeading(sepSource.heading)?.separator ?? '-') : '-';
    if (!latest) return { zone: 'UTC', known: true, separator };
    const known = ruleFor(latest.zone!) !== null;
    return { zone: known ? latest.zone! : 'UTC', known, separator };
  }

  /** The key the file uses for the next step (`Next` or `Next action`). */
  get nextKey(): string {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      const k = Object.keys(this.entries[i]!.fields).find((f) => /^next( action)?$/i.test(f));
      if (k) return k;
    }
    return 'Next';
  }

  /** Run Contract fields (hero shape); empty for other shapes. */
  get contract(): Record<string, string> {
    const s = this.outline.sections.find((x) => x.depth === 2 && /^run contract\b/i.test(x.title));
    return s ? fieldsOf(s.bodyLines) : {};
  }

  get instances(): LaunchedInstance[] {
    const s = this.instancesSection;
    if (!s) return [];
    return this.outline.sections
      .filter((h) => h.depth === 3 && h.start >= s.bodyStart && h.start < s.end)
      .map((h) => ({
        heading: h.title,
        line: h.line,
        title: parseEntryHeading(h.title)?.title ?? h.title,
        fields: fieldsOf(h.bodyLines),
      }));
  }

  private get instancesSection(): Section | undefined {
    return this.outline.sections.find((x) => x.depth === 2 && /^launched instances\b/i.test(x.title));
  }

  /** The linked issue: front matter `issue:`, else the Run Contract's `Issue:` field. */
  get issue(): string | null {
    const fm = this.frontMatter?.['issue'];
    if (typeof fm === 'string' && fm.trim() !== '') return fm.trim();
    if (typeof fm === 'number') return String(fm);
    const c = field(this.contract, 'Issue');
    const url = c ? (/https?:\/\/\S+\/issues\/\d+/.exec(c)?.[0] ?? /^#?\d+$/.exec(c.trim())?.[0]) : undefined;
    return url ?? null;
  }

  findEvent(eventId: string): LogbookEntry | undefined {
    return this.entries.find((e) => e.eventId === eventId);
  }

  get pending(): LogbookEntry[] {
    return this.entries.filter((e) => e.mirror === 'pending');
  }

  /** Renders an entry in the file's style and returns the one edit that places it. */
  appendEntryEdit(e: NewEntry): Edit {
    const style = this.timeStyle;
    const t = formatInZone(e.at, style.zone, e.seconds);
    const lines = [`### ${t.date} ${t.time} ${t.zone} ${style.separator} ${oneLine(e.title)}`];
    for (const [k, v] of e.fields) if (v.trim() !== '') lines.push(`- ${k}: ${v.trim()}`);
    lines.push(formatMarker(e.eventId, e.mirror));
    if (!this.eventSection) return this.appendAtEnd(`## ${this.eventSectionName}\n\n${lines.join('\n')}\n`);
    return this.placeBlock(
      this.eventSection,
      this.entries.map((x) => x.start),
      this.order,
      lines.join('\n'),
    );
  }

  /** A `### <time> - <title>` block under `## Launched Instances`, created when missing (before the event log). */
  appendInstanceEdit(i: NewInstance): Edit {
    const style = this.timeStyle;
    const t = formatInZone(i.at, style.zone);
    const lines = [`### ${t.date} ${t.time} ${t.zone} ${style.separator} ${oneLine(i.title)}`];
    for (const [k, v] of i.fields) lines.push(`- ${k}: ${v.trim()}`);
    const block = lines.join('\n');
    const s = this.instancesSection;
    if (s) {
      const starts = this.outline.sections
        .filter((h) => h.depth === 3 && h.start >= s.bodyStart && h.start < s.end)
        .map((h) => h.start);
      return this.placeBlock(s, starts, 'oldest-first', block);
    }
    const text = this.src.fragment(`## Launched Instances\n\n${block}\n\n`);
    if (this.eventSection) return { start: this.eventSection.start, end: this.eventSection.start, text };
    return this.appendAtEnd(`## Launched Instances\n\n${block}\n`);
  }

  /** Rewrites one runlog marker line (e.g. pending → posted); null when the event is not in the file. */
  mirrorStateEdit(eventId: string, mirror: MirrorState): Edit | null {
    const e = this.findEvent(eventId);
    if (!e?.markerLine) return null;
    return { start: e.markerLine.start, end: e.markerLine.end, text: formatMarker(eventId, mirror) };
  }

  private placeBlock(section: Section, entryStarts: number[], order: EntryOrder, block: string): Edit {
    if (order === 'newest-first' && entryStarts.length > 0) {
      const at = entryStarts[0]!;
      return { start: at, end: at, text: this.src.fragment(`${block}\n\n`) };
    }
    const last = lastContentLine(this.src, section);
    if (!last)
      return {
        start: section.bodyStart,
        end: section.bodyStart,
        text: this.src.fragment(
          `${section.bodyStart === this.src.text.length && !/\n$/.test(this.src.text) ? '\n' : ''}\n${block}\n`,
        ),
      };
    const terminated = last.next > last.end;
    return { start: last.next, end: last.next, text: this.src.fragment(`${terminated ? '' : '\n'}\n${block}\n`) };
  }

  private appendAtEnd(block: string): Edit {
    const text = this.src.text;
    const lead = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return { start: text.length, end: text.length, text: this.src.fragment(`${lead}${block}`) };
  }
}

/** The last non-blank line of a section (heading excluded), or null when the body is blank. */
function lastContentLine(src: Source, section: Section): Line | null {
  const lines = src.lines;
  let idx = lines.findIndex((l) => l.start >= section.end);
  if (idx === -1) idx = lines.length;
  for (let i = idx - 1; i > section.headingIndex; i--) {
    if (lines[i]!.text.trim() !== '') return lines[i]!;
  }
  return null;
}

function readFrontMatter(o: Outline): Record<string, unknown> | null {
  if (!o.frontMatter) return null;
  try {
    const data: unknown = jsYaml.load(o.frontMatter.raw, { schema: jsYaml.CORE_SCHEMA });
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
