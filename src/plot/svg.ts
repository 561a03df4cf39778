/**
 * SVG text, byte-stable: attributes in the order given, numbers with one
 * decimal (a tenth of a pixel is below what any screen shows, and fewer
 * digits keep the file small), every text escaped.
 */

/** A coordinate: one decimal, no trailing `.0`, never `-0`. */
export function num(n: number): string {
  const s = n.toFixed(1);
  const t = s.endsWith('.0') ? s.slice(0, -2) : s;
  return t === '-0' ? '0' : t;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text and attribute values; control characters (invalid in XML 1.0) are dropped. */
export function esc(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

export type Attrs = readonly (readonly [string, string | number])[];

/** One element; numbers in attributes go through `num`. */
export function el(name: string, attrs: Attrs, children?: string): string {
  const a = attrs.map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`).join('');
  return children === undefined ? `<${name}${a}/>` : `<${name}${a}>${children}</${name}>`;
}

export function text(x: number, y: number, content: string, attrs: Attrs = []): string {
  return el('text', [['x', x], ['y', y], ...attrs], esc(content));
}

/**
 * No web font (GitHub ignores them in images): the reader's own sans-serif.
 * Unquoted family names keep the attribute free of quotes.
 */
export const FONT_STACK = 'system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif';

/** The outer element: xmlns and viewBox so it scales, white background so dark mode stays readable. */
export function svgDocument(width: number, height: number, title: string, body: string): string {
  const head = el('svg', [
    ['xmlns', 'http://www.w3.org/2000/svg'],
    ['viewBox', `0 0 ${width} ${height}`],
    ['width', width],
    ['height', height],
    ['font-family', FONT_STACK],
    ['role', 'img'],
    ['aria-label', title],
  ]).slice(0, -2);
  return `${head}>\n${el('title', [], esc(title))}\n${el('rect', [
    ['width', width],
    ['height', height],
    ['fill', '#ffffff'],
  ])}\n${body}</svg>\n`;
}

/** Rough text width for layout: deterministic, no font metrics (0.62 em a character, DejaVu Sans' average; narrower fonts only leave more room). */
export function textWidth(content: string, fontSize: number): number {
  return content.length * fontSize * 0.62;
}
