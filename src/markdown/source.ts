/**
 * The original text of a document and the edits an operation makes to it.
 * Operations never re-serialise a tree: they splice new fragments into the
 * original string, so bytes they did not mean to touch stay as they were.
 */

export interface Edit {
  start: number;
  end: number;
  text: string;
}

export interface Line {
  /** 1-based line number. */
  number: number;
  start: number;
  /** Offset of the line's end, excluding the line terminator. */
  end: number;
  /** Offset just past the line terminator (== end on the last line without one). */
  next: number;
  text: string;
}

export class Source {
  readonly text: string;
  readonly eol: '\n' | '\r\n';
  readonly lines: Line[];

  constructor(text: string) {
    this.text = text;
    const firstNl = text.indexOf('\n');
    this.eol = firstNl > 0 && text[firstNl - 1] === '\r' ? '\r\n' : '\n';
    this.lines = splitLines(text);
  }

  /** Convert '\n' in a generated fragment to the file's own line ending. */
  fragment(text: string): string {
    return this.eol === '\n' ? text : text.replace(/\r?\n/g, '\r\n');
  }

  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lines[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.lines[lo]?.number ?? 1;
  }
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let number = 1;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    if (nl === -1) {
      if (start < text.length)
        lines.push({ number, start, end: text.length, next: text.length, text: text.slice(start) });
      break;
    }
    const end = nl > start && text[nl - 1] === '\r' ? nl - 1 : nl;
    lines.push({ number, start, end, next: nl + 1, text: text.slice(start, end) });
    number++;
    start = nl + 1;
  }
  return lines;
}

/** Apply edits bottom-up; overlapping edits are a bug in the operation. */
export function applyEdits(text: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let floor = Number.POSITIVE_INFINITY;
  for (const e of sorted) {
    if (e.start > e.end || e.end > floor) throw new Error(`overlapping edits at ${e.start}-${e.end}`);
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
    floor = e.start;
  }
  return out;
}
