import type { Line, Source } from './source.js';

/**
 * The outline of a Markdown document: front matter and ATX/setext headings,
 * with fenced code blocks and HTML comments skipped the way CommonMark does.
 *
 * Why not the full remark tree here: a run log with 5,000 status entries takes
 * remark ~750 ms to parse, and `show`/`append`/`list` must stay within 2x of
 * `cat`. Headings, fences and comments are line-level constructs, so a line
 * scan finds the same sections; test/unit/markdown/outline.test.ts checks it
 * against remark on every fixture.
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
  title: string;
  /** Index into source.lines of the heading line. */
  headingIndex: number;
  /** 1-based line of the heading. */
  line: number;
  /** Offset of the heading line's start. */
  start: number;
  /** Offset where the body starts (just past the heading line). */
  bodyStart: number;
  /** Offset where the section ends: the next heading of depth <= this one, or EOF. */
  end: number;
  /** Line indexes of the body (exclusive of the heading), up to the next heading of any depth. */
  bodyLines: Line[];
}

export interface Outline {
  frontMatter?: FrontMatterBlock;
  /** Set when a front matter block is opened but never closed. */
  unclosedFrontMatterLine?: number;
  sections: Section[];
  /** Lines that belong to the body and are not inside code or comments, by index. */
  contentStart: number;
}

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

export function outline(src: Source): Outline {
  const lines = src.lines;
  let i = 0;
  let frontMatter: FrontMatterBlock | undefined;
  let unclosedFrontMatterLine: number | undefined;
  if (lines.length > 0 && /^---[ \t]*$/.test(lines[0]!.text) && lines[0]!.start <= 1) {
    const close = lines.findIndex((l, idx) => idx > 0 && /^(---|\.\.\.)[ \t]*$/.test(l.text));
    if (close === -1) {
      unclosedFrontMatterLine = 1;
    } else {
      const open = lines[0]!;
      const closeLine = lines[close]!;
      frontMatter = {
        start: open.start,
        end: closeLine.next,
        raw: src.text.slice(open.next, closeLine.start),
        rawStart: open.next,
        rawEnd: closeLine.start,
        openLine: open.number,
        closeLine: closeLine.number,
      };
      i = close + 1;
    }
  }
  const contentStart = i;

  const headings: { depth: number; title: string; index: number }[] = [];
  let fence: string | undefined;
  let inComment = false;
  let prevParagraph = false;
  for (; i < lines.length; i++) {
    const text = lines[i]!.text;
    if (fence) {
      const m = FENCE.exec(text);
      if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length && text.trim() === m[1]) fence = undefined;
      prevParagraph = false;
      continue;
    }
    if (inComment) {
      if (text.includes('-->')) inComment = false;
      prevParagraph = false;
      continue;
    }
    const f = FENCE.exec(text);
    if (f && !(f[1]![0] === '`' && text.slice(f.index + f[1]!.length).includes('`'))) {
      fence = f[1];
      prevParagraph = false;
      continue;
    }
    if (/^ {0,3}<!--/.test(text) && !text.includes('-->')) {
      inComment = true;
      prevParagraph = false;
      continue;
    }
    const atx = ATX.exec(text);
    if (atx) {
      headings.push({ depth: atx[1]!.length, title: (atx[2] ?? '').trim(), index: i });
      prevParagraph = false;
      continue;
    }
    // Setext headings: a paragraph line followed by === or ---.
    if (prevParagraph && /^ {0,3}(=+|-+)[ \t]*$/.test(text)) {
      const depth = text.trim()[0] === '=' ? 1 : 2;
      headings.push({ depth, title: lines[i - 1]!.text.trim(), index: i - 1 });
      prevParagraph = false;
      continue;
    }
    prevParagraph = text.trim() !== '' && !/^ {0,3}([-*+]|\d+[.)])[ \t]/.test(text) && !/^ {4}/.test(text);
  }

  const sections: Section[] = headings.map((h, k) => {
    const line = lines[h.index]!;
    let endIdx = lines.length;
    for (let j = k + 1; j < headings.length; j++) {
      if (headings[j]!.depth <= h.depth) {
        endIdx = headings[j]!.index;
        break;
      }
    }
    const nextAny = k + 1 < headings.length ? headings[k + 1]!.index : lines.length;
    const bodyFrom = isSetext(lines, h.index) ? h.index + 2 : h.index + 1;
    return {
      depth: h.depth,
      title: h.title,
      headingIndex: h.index,
      line: line.number,
      start: line.start,
      bodyStart: lines[bodyFrom - 1]!.next,
      end: endIdx < lines.length ? lines[endIdx]!.start : src.text.length,
      bodyLines: lines.slice(bodyFrom, nextAny),
    };
  });
  return { frontMatter, unclosedFrontMatterLine, sections, contentStart };
}

function isSetext(lines: Line[], index: number): boolean {
  const next = lines[index + 1];
  return !ATX.test(lines[index]!.text) && next !== undefined && /^ {0,3}(=+|-+)[ \t]*$/.test(next.text);
}

/** Sections whose title starts with the given word (`Job`, `Job (resumed)`, `Job — x`). */
export function sectionsNamed(o: Outline, name: string, depth = 2): Section[] {
  const re = new RegExp(`^${name}(?![A-Za-z0-9_])`, 'i');
  return o.sections.filter((s) => s.depth === depth && re.test(s.title));
}
