/**
 * Is this SVG one runlog would have drawn? A chart in the ledger arrives
 * through git like any file, so before `publish` copies it out it must parse
 * as XML and use only the elements and attributes the renderer writes: no
 * script, no event handler, no foreignObject, no link or reference of any
 * kind (href, url(), @import), nothing a viewer would fetch or run.
 * An allow-list, not a deny-list: whatever we do not write is refused.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { esc } from './svg.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

const ELEMENTS = new Set(['svg', 'title', 'rect', 'text', 'line', 'path', 'circle', 'g']);
const ATTRIBUTES = new Set([
  'xmlns',
  'viewBox',
  'width',
  'height',
  'font-family',
  'role',
  'aria-label',
  'x',
  'y',
  'x1',
  'x2',
  'y1',
  'y2',
  'cx',
  'cy',
  'r',
  'd',
  'transform',
  'fill',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linejoin',
  'stroke-linecap',
  'text-anchor',
  'font-size',
  'font-weight',
]);
/** Values are plain: numbers, colours, names. `url(` or a scheme would make the viewer fetch something. */
const REFERENCE = /url\s*\(|@import|[a-z][a-z0-9+.-]*:\/\/|javascript:|data:/i;

/** Problems found; empty when the SVG is safe to copy and show. */
export function svgProblems(svg: string): string[] {
  const problems: string[] = [];
  let doc: ReturnType<DOMParser['parseFromString']>;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(svg, 'image/svg+xml');
  } catch (err) {
    return [`not well-formed XML: ${(err as Error).message.split('\n')[0]}`];
  }
  if (/<!DOCTYPE|<!ENTITY|<\?xml-stylesheet/i.test(svg))
    problems.push('has a DOCTYPE, entity or stylesheet declaration');
  const root = doc.documentElement;
  if (root?.localName !== 'svg' || root.namespaceURI !== SVG_NS)
    return [...problems, 'the root element is not <svg> in the SVG namespace'];
  if (!root.getAttribute('viewBox')) problems.push('the <svg> element has no viewBox');
  const walk = (el: Element) => {
    if (!ELEMENTS.has(el.localName ?? '') || el.namespaceURI !== SVG_NS)
      problems.push(`element <${el.tagName}> is not one runlog draws`);
    for (let i = 0; i < el.attributes.length; i++) {
      const a = el.attributes.item(i)!;
      if (!ATTRIBUTES.has(a.name)) problems.push(`attribute ${a.name} on <${el.tagName}> is not one runlog writes`);
      else if (a.name !== 'xmlns' && REFERENCE.test(a.value))
        problems.push(`attribute ${a.name} on <${el.tagName}> refers to something outside the file`);
    }
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === c.ELEMENT_NODE) walk(c as Element);
      else if (c.nodeType === c.PROCESSING_INSTRUCTION_NODE || c.nodeType === c.CDATA_SECTION_NODE)
        problems.push(`<${el.tagName}> holds a processing instruction or CDATA`);
    }
  };
  walk(root);
  return problems;
}

/**
 * The same SVG with every human-readable text (text elements, the title,
 * aria-label) passed through `clean`: how `publish` scrubs hosts, paths and
 * job ids out of labels. Only for SVGs `svgProblems` accepted: their text
 * holds no markup, so the spans between tags are exactly the texts.
 */
export function mapSvgText(svg: string, clean: (text: string) => string): string {
  const unesc = (s: string) =>
    s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!);
  return svg
    .replace(
      /(<(text|title)\b[^>]*>)([^<]*)(<\/\2>)/g,
      (_, open: string, _tag: string, body: string, close: string) => `${open}${esc(clean(unesc(body)))}${close}`,
    )
    .replace(/ aria-label="([^"]*)"/g, (_, v: string) => ` aria-label="${esc(clean(unesc(v)))}"`);
}

/** The human-readable texts of an SVG `svgProblems` accepted, one a line: what `publish --check` scans. */
export function svgTexts(svg: string): string[] {
  const out: string[] = [];
  mapSvgText(svg, (t) => {
    out.push(t);
    return t;
  });
  return out;
}
