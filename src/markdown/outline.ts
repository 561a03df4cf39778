import { escapeRegExp } from '../core/text.js';
import type { Line, Source } from './source.js';

/**
 * The outline of a Markdown document: front matter and the top-level
 * ATX/setext headings, with fenced and indented code, HTML blocks (comments
 * included), list items and block quotes skipped the way CommonMark does.
 *
 * Why not the full remark tree here: a run log with 5,000 status entries takes
 * remark ~750 ms to parse, and `show`/`append`/`list` must stay within 2x of
 * `cat`. Headings, fences and comments are line-level constructs, so a line
 * scan finds the same sections; test/unit/markdown/outline.test.ts checks it
 * against remark (+ gfm + frontmatter) on every fixture and on tricky inputs.
 *
 * Only top-level headings are sections: a heading inside a list item or a
 * block quote is part of that container, not a section of the run log.
 * Known simplifications (not seen in run logs, and checked in the test where
 * they matter): tab stops count as 4 columns, and containers nested two deep
 * are treated as one.
 */

export interface FrontMatterBlock {
  /** Offset of the opening `---`. */
  start: number;
  /** Offset just past the closing fence's line. */
  end: number;
  /** The raw YAML between the fences. */
  raw: string;
  rawStart: number;
  rawEnd: number;
  /** Line numbers of the fences (1-based). */
  openLine: number;
  closeLine: number;
}

export interface Section {
  depth: number;
  /** The heading's text, trimmed; a multi-line setext heading's lines joined by one space. */
  title: string;
  /** Index into source.lines of the heading's first line. */
  headingIndex: number;
  /** 1-based line of the heading. */
  line: number;
  /** Offset of the heading line's start. */
  start: number;
  /** Offset where the body starts (just past the heading, or past a setext underline). */
  bodyStart: number;
  /** Offset where the section ends: the next heading of depth <= this one, or EOF. */
  end: number;
  /** Every line of the body (exclusive of the heading), up to the next heading of any depth. */
  bodyLines: Line[];
  /** bodyLines without the lines inside code blocks and HTML blocks (comments): what the text says. */
  contentLines: Line[];
}

export interface Outline {
  frontMatter?: FrontMatterBlock;
  /** Set when a front matter block is opened but never closed. */
  unclosedFrontMatterLine?: number;
  sections: Section[];
  /** Index of the first body line (past the front matter). */
  contentStart: number;
  /** Per line index: inside front matter, a code block or an HTML block (comment). */
  hidden: boolean[];
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})(.*)$/;
const FENCE_CLOSE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:([ \t]+)(.*))?$/;
const QUOTE = /^ {0,3}>/;
const BLOCK_NAMES =
  'address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul';
const ATTR = `(?:[ \\t]+[A-Za-z_:][\\w.:-]*(?:[ \\t]*=[ \\t]*(?:[^"'=<>\`\\s]+|'[^']*'|"[^"]*"))?)`;

/** CommonMark's seven kinds of HTML block: how one starts, and what ends it (`blank`: a blank line). */
const HTML_STARTS: { start: RegExp; end: RegExp | 'blank'; interrupts: boolean }[] = [
  {
    start: /^ {0,3}<(?:pre|script|style|textarea)(?:[ \t>]|$)/i,
    end: /<\/(?:pre|script|style|textarea)>/i,
    interrupts: true,
  },
  { start: /^ {0,3}<!--/, end: /-->/, interrupts: true },
  { start: /^ {0,3}<\?/, end: /\?>/, interrupts: true },
  { start: /^ {0,3}<![A-Za-z]/, end: />/, interrupts: true },
  { start: /^ {0,3}<!\[CDATA\[/, end: /\]\]>/, interrupts: true },
  { start: new RegExp(`^ {0,3}</?(?:${BLOCK_NAMES})(?:[ \\t]|/?>|$)`, 'i'), end: 'blank', interrupts: true },
  {
    start: new RegExp(`^ {0,3}(?:<[A-Za-z][A-Za-z0-9-]*${ATTR}*[ \\t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \\t]*>)[ \\t]*$`),
    end: 'blank',
    interrupts: false,
  },
];

interface HtmlBlock {
  end: RegExp | 'blank';
  inItem: boolean;
}

interface Fence {
  marker: string;
  inItem: boolean;
}

/** Leading whitespace in columns (a tab advances to the next multiple of 4). */
function indentOf(text: string): number {
  let col = 0;
  for (const ch of text) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** Remove up to `cols` columns of leading spaces (tabs count as 4). */
function dedent(text: string, cols: number): string {
  let col = 0;
  let i = 0;
  while (i < text.length && col < cols && (text[i] === ' ' || text[i] === '\t')) {
    col += text[i] === '\t' ? 4 - (col % 4) : 1;
    i++;
  }
  return text.slice(i);
}

function htmlStart(text: string, interruptingParagraph: boolean): HtmlBlock | undefined {
  // Every HTML block starts with `<` after at most three spaces: most lines are rejected here, before the seven patterns.
  if (!/^ {0,3}</.test(text)) return undefined;
  const h = HTML_STARTS.find((k) => !(interruptingParagraph && !k.interrupts) && k.start.test(text));
  return h ? { end: h.end, inItem: false } : undefined;
}

/** A line that starts a block of its own (so it cannot be a lazy paragraph continuation). */
function startsBlock(text: string): boolean {
  return (
    ATX.test(text) ||
    FENCE_OPEN.test(text) ||
    THEMATIC.test(text) ||
    QUOTE.test(text) ||
    /^ {0,3}(?:[-*+]|1[.)])(?:[ \t]+\S)/.test(text) ||
    (/^ {0,3}</.test(text) && HTML_STARTS.slice(0, 6).some((h) => h.start.test(text)))
  );
}

function listItem(text: string): { content: number; rest: string } | null {
  const m = LIST_ITEM.exec(text);
  if (!m) return null;
  const lead = indentOf(m[1]!);
  const marker = m[2]!.length;
  const gap = m[3] ?? '';
  const rest = m[4] ?? '';
  if (gap === '' && rest === '' && m[0].length !== m[1]!.length + marker) return null;
  const gapCols = indentOf(gap);
  // Content that starts 5+ columns after the marker is indented code: the item's content column is marker + 1.
  const content = rest.trim() === '' || gapCols > 4 ? lead + marker + 1 : lead + marker + gapCols;
  return { content, rest };
}

/**
 * The outline of a Markdown file in one pass over its lines: front matter,
 * then headings found by the block rules that can hide them (code, HTML,
 * list items, quotes), then sections from the headings.
 */
export function outline(src: Source): Outline {
  const lines = src.lines;
  const hidden: boolean[] = new Array<boolean>(lines.length).fill(false);
  const { frontMatter, unclosedFrontMatterLine, contentStart } = frontMatterOf(src, hidden);
  const headings = scanHeadings(lines, contentStart, hidden);
  return { frontMatter, unclosedFrontMatterLine, sections: sectionsOf(src, headings, hidden), contentStart, hidden };
}

/** A `---` block on the first line, closed by the next `---` line; its lines are hidden. */
function frontMatterOf(
  src: Source,
  hidden: boolean[],
): { frontMatter?: FrontMatterBlock; unclosedFrontMatterLine?: number; contentStart: number } {
  const lines = src.lines;
  if (!(lines.length > 0 && /^---[ \t]*$/.test(lines[0]!.text) && lines[0]!.start <= 1)) return { contentStart: 0 };
  const close = lines.findIndex((l, idx) => idx > 0 && /^---[ \t]*$/.test(l.text));
  if (close === -1) return { unclosedFrontMatterLine: 1, contentStart: 0 };
  const open = lines[0]!;
  const closeLine = lines[close]!;
  for (let k = 0; k <= close; k++) hidden[k] = true;
  return {
    frontMatter: {
      start: open.start,
      end: closeLine.next,
      raw: src.text.slice(open.next, closeLine.start),
      rawStart: open.next,
      rawEnd: closeLine.start,
      openLine: open.number,
      closeLine: closeLine.number,
    },
    contentStart: close + 1,
  };
}

interface Heading {
  depth: number;
  title: string;
  index: number;
  underline: number;
}

/** What the scan carries from line to line. */
interface ScanState {
  hidden: boolean[];
  headings: Heading[];
  fence: Fence | undefined;
  html: HtmlBlock | undefined;
  /** The open top-level list item: its content column, and whether its last line was paragraph text. */
  item: { content: number; paragraph: boolean } | undefined;
  /** The open top-level paragraph (a setext underline turns it into a heading). */
  paragraph: number | undefined;
  quoteParagraph: boolean;
}

/** The fence marker a line opens with (a backtick fence's info string may not hold a backtick). */
function fenceOpening(text: string): string | undefined {
  const f = FENCE_OPEN.exec(text);
  return f && !(f[1]![0] === '`' && f[2]!.includes('`')) ? f[1]! : undefined;
}

function scanHeadings(lines: readonly Line[], from: number, hidden: boolean[]): Heading[] {
  const st: ScanState = {
    hidden,
    headings: [],
    fence: undefined,
    html: undefined,
    item: undefined,
    paragraph: undefined,
    quoteParagraph: false,
  };
  for (let i = from; i < lines.length; i++) {
    const text = lines[i]!.text;
    const blank = text.trim() === '';
    const indent = indentOf(text);

    if (
      st.item &&
      !blank &&
      indent < st.item.content &&
      !(st.item.paragraph && !st.fence && !st.html && !startsBlock(text))
    ) {
      st.item = undefined;
      if (st.fence?.inItem) st.fence = undefined;
      if (st.html?.inItem) st.html = undefined;
    }
    // Inside an item, the item's own indentation is not part of its blocks.
    const inner = st.item && indent >= st.item.content ? dedent(text, st.item.content) : text;

    if (st.fence) {
      hidden[i] = true;
      const m = FENCE_CLOSE.exec(inner);
      if (m && m[1]![0] === st.fence.marker[0] && m[1]!.length >= st.fence.marker.length) st.fence = undefined;
    } else if (st.html) {
      if (st.html.end === 'blank' ? blank : st.html.end.test(text)) {
        if (st.html.end !== 'blank') hidden[i] = true;
        st.html = undefined;
      } else hidden[i] = true;
    } else if (blank) {
      st.paragraph = undefined;
      st.quoteParagraph = false;
      if (st.item) st.item.paragraph = false;
    } else if (st.item) {
      itemLine(st, st.item, inner, i);
    } else {
      topLevelLine(st, lines, text, indent, i);
    }
  }
  return st.headings;
}

/** A line inside a list item: its code and HTML blocks are tracked (to hide them), never its headings. */
function itemLine(st: ScanState, item: NonNullable<ScanState['item']>, inner: string, i: number): void {
  const nested = listItem(inner);
  const body = nested ? dedent(inner, nested.content) : inner;
  const marker = fenceOpening(body);
  if (marker) {
    st.fence = { marker, inItem: true };
    st.hidden[i] = !nested;
    item.paragraph = false;
    return;
  }
  const h = htmlStart(body, item.paragraph);
  if (h) {
    st.hidden[i] = !nested;
    if (!(h.end !== 'blank' && endsOnStartLine(body, h.end))) st.html = { ...h, inItem: true };
    item.paragraph = false;
    return;
  }
  item.paragraph =
    !ATX.test(body) && !THEMATIC.test(body) && !(indentOf(body) >= 4 && !item.paragraph) && body.trim() !== '';
}

/** A non-blank line outside any block: it may open code, HTML, a quote or a list item, or be (or end) a heading. */
function topLevelLine(st: ScanState, lines: readonly Line[], text: string, indent: number, i: number): void {
  if (st.quoteParagraph && !startsBlock(text)) return;
  st.quoteParagraph = false;

  if (indent >= 4 && st.paragraph === undefined) {
    // Indented code.
    st.hidden[i] = true;
    return;
  }
  const marker = fenceOpening(text);
  if (marker) {
    st.fence = { marker, inItem: false };
    st.hidden[i] = true;
    st.paragraph = undefined;
    return;
  }
  const h = htmlStart(text, st.paragraph !== undefined);
  if (h) {
    st.hidden[i] = true;
    if (!(h.end !== 'blank' && endsOnStartLine(text, h.end))) st.html = h;
    st.paragraph = undefined;
    return;
  }
  const atx = ATX.exec(text);
  if (atx) {
    st.headings.push({ depth: atx[1]!.length, title: (atx[2] ?? '').trim(), index: i, underline: i });
    st.paragraph = undefined;
    return;
  }
  if (st.paragraph !== undefined && SETEXT.test(text)) {
    const title = lines
      .slice(st.paragraph, i)
      .map((l) => l.text.trim())
      .join(' ');
    st.headings.push({ depth: text.trim()[0] === '=' ? 1 : 2, title, index: st.paragraph, underline: i });
    st.paragraph = undefined;
    return;
  }
  if (THEMATIC.test(text)) {
    st.paragraph = undefined;
    return;
  }
  if (QUOTE.test(text)) {
    st.paragraph = undefined;
    st.quoteParagraph = !/^ {0,3}>[ \t]*$/.test(text);
    return;
  }
  const li = listItem(text);
  // An empty item, or an ordered one not starting at 1, cannot interrupt a paragraph.
  if (li && (st.paragraph === undefined || (li.rest.trim() !== '' && /^ {0,3}(?:[-*+]|1[.)])/.test(text)))) {
    st.paragraph = undefined;
    st.item = { content: li.content, paragraph: false };
    openItem(st, st.item, li.rest);
    return;
  }
  if (st.paragraph === undefined) st.paragraph = i;
}

/** An item's first line may itself open a code or HTML block, or start its paragraph. */
function openItem(st: ScanState, item: NonNullable<ScanState['item']>, bodyText: string): void {
  const marker = fenceOpening(bodyText);
  if (marker) {
    st.fence = { marker, inItem: true };
    return;
  }
  const h = htmlStart(bodyText, false);
  if (h && !(h.end !== 'blank' && endsOnStartLine(bodyText, h.end))) st.html = { ...h, inItem: true };
  else item.paragraph = bodyText.trim() !== '' && !ATX.test(bodyText) && !THEMATIC.test(bodyText);
}

/** Each heading's section runs to the next heading of the same or a higher level; its body to the next heading of any level. */
function sectionsOf(src: Source, headings: Heading[], hidden: boolean[]): Section[] {
  const lines = src.lines;
  return headings.map((h, k) => {
    const line = lines[h.index]!;
    let endIdx = lines.length;
    for (let j = k + 1; j < headings.length; j++) {
      if (headings[j]!.depth <= h.depth) {
        endIdx = headings[j]!.index;
        break;
      }
    }
    const nextAny = k + 1 < headings.length ? headings[k + 1]!.index : lines.length;
    const bodyLines = lines.slice(h.underline + 1, nextAny);
    return {
      depth: h.depth,
      title: h.title,
      headingIndex: h.index,
      line: line.number,
      start: line.start,
      bodyStart: lines[h.underline]!.next,
      end: endIdx < lines.length ? lines[endIdx]!.start : src.text.length,
      bodyLines,
      contentLines: bodyLines.filter((l) => !hidden[l.number - 1]),
    };
  });
}

/** Kinds 1-5 end on the line holding their end marker, which may be the start line itself. */
function endsOnStartLine(text: string, end: RegExp): boolean {
  const open = /<(?:!--|\?|!\[CDATA\[|!|[A-Za-z]+)/.exec(text);
  return end.test(text.slice(open ? open.index + open[0].length : 0));
}

/**
 * Sections named `name`, alone or qualified the ways people qualify them:
 * `Job (resumed)`, `Job — variant`, `Results — step 9,999`, `Job: retry`,
 * `Job 2`. `Status notes` is another section, not a Status.
 */
/** Compiled once per name: a run log asks for the same few sections many times (~15% of parsing 2,000 logs). */
const SECTION_RE = new Map<string, RegExp>();

export function sectionsNamed(o: Outline, name: string, depth = 2): Section[] {
  let re = SECTION_RE.get(name);
  if (!re) {
    re = new RegExp(`^${escapeRegExp(name)}(?:[ \t]*$|[ \t]*[(—–:-]|[ \t]+\\d)`, 'i');
    SECTION_RE.set(name, re);
  }
  const named = re;
  return o.sections.filter((s) => s.depth === depth && named.test(s.title));
}
