/**
 * The fast line outline must find exactly the top-level headings remark
 * (+ gfm + frontmatter) finds: same depth, same title, same line. Only
 * top-level headings count: a heading inside a list item or a block quote
 * belongs to that container, not to the run log's section structure.
 *
 * Titles are compared as the heading's source text between the markers
 * (remark: from the first to the last inline child), with a line break in a
 * multi-line setext heading read as one space.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unified } from 'unified';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import remarkFrontmatter from 'remark-frontmatter';
import type { Root } from 'mdast';
import { outline, sectionsNamed } from '../../../src/markdown/outline.js';
import { Source } from '../../../src/markdown/source.js';

const FIXTURES = resolve(__dirname, '..', '..', 'fixtures');

interface H {
  depth: number;
  title: string;
  line: number;
}

function remarkHeadings(text: string): { headings: H[]; frontMatter: boolean } {
  const tree = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']).parse(text) as Root;
  const headings: H[] = [];
  for (const node of tree.children) {
    if (node.type !== 'heading') continue;
    const first = node.children[0]?.position;
    const last = node.children[node.children.length - 1]?.position;
    const raw = first && last ? text.slice(first.start.offset, last.end.offset) : '';
    headings.push({ depth: node.depth, title: norm(raw), line: node.position!.start.line });
  }
  return { headings, frontMatter: tree.children[0]?.type === 'yaml' };
}

const norm = (t: string) => t.replace(/[ \t]*\r?\n[ \t]*/g, ' ').trim();

function outlineHeadings(text: string): { headings: H[]; frontMatter: boolean } {
  const o = outline(new Source(text));
  return {
    headings: o.sections.map((s) => ({ depth: s.depth, title: norm(s.title), line: s.line })),
    frontMatter: o.frontMatter !== undefined,
  };
}

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...markdownFiles(p));
    else if (name.endsWith('.md')) out.push(p);
  }
  return out;
}

describe('outline vs remark on every fixture', () => {
  const files = markdownFiles(FIXTURES);
  it('has fixtures to compare', () => {
    expect(files.length).toBeGreaterThan(10);
  });
  for (const file of files) {
    it(relative(FIXTURES, file), () => {
      const text = readFileSync(file, 'utf8');
      const want = remarkHeadings(text);
      expect(want.headings.length).toBeGreaterThan(0);
      expect(outlineHeadings(text)).toEqual(want);
    });
  }
});

const TRICKY: Record<string, string> = {
  'backtick fence hides headings': '# T\n\n```\n## Status\n```\n\n## Real\n',
  'tilde fence, longer close': '# T\n~~~~\n## Hidden\n~~~\n## still hidden\n~~~~~\n## Real\n',
  'backtick fence needs same char to close': '# T\n````md\n## Hidden\n~~~~\n```\n## hidden too\n````\n## Real\n',
  'inline triple backticks are not a fence': '# T\n```not a fence```\n## Real\n',
  'unclosed fence runs to the end': '# T\n```\n## Hidden\n',
  'indented fence (3 spaces)': '# T\n   ```\n## Hidden\n   ```\n## Real\n',
  'indented code block': '# T\n\n    ## not a heading\n    code\n\n## Real\n',
  'indented line continues a paragraph': '# T\nparagraph\n    ## continuation\n## Real\n',
  'single-line comment': '# T\n<!-- ## no -->\n## Real\n',
  'multi-line comment': '# T\n<!--\n## Status\n- 2026-01-01 — example\n-->\n## Real\n',
  'comment ending mid-line': '# T\n<!-- a\nb --> trailing\n## Real\n',
  'comment inside Status, indented':
    '## Status\n- 2026-03-11 — a\n  <!-- note\n  ## not here\n  -->\n- 2026-03-12 — b\n## Results\n',
  'html div block until blank line': '# T\n<div>\n## inside html\n</div>\n\n## Real\n',
  'details block': '# T\n<details>\n<summary>x</summary>\n## inside\n\n## Real\n',
  'type 7 tag cannot interrupt a paragraph': '# T\ntext\n<span>\n## Real\n',
  'type 7 tag starts a block': '# T\n\n<custom-tag>\n## inside\n\n## Real\n',
  'script block': '# T\n<script>\n## x\n</script>\n## Real\n',
  'setext h1 and h2': 'Title\n=====\n\nSub\n---\n\n## Real\n',
  'multi-line setext': 'First line\nsecond line\n---\n## Real\n',
  'thematic break is not setext after blank': '# T\n\n---\n\n## Real\n',
  'setext after list is a thematic break': '# T\n- item\n---\n## Real\n',
  'setext after quote is a thematic break': '# T\n> quoted\n---\n## Real\n',
  'lazy quote continuation then break': '# T\n> quoted\nlazy\n---\n## Real\n',
  'heading in a list item': '# T\n- item\n  ## inside item\n- next\n\n## Real\n',
  'heading in a list item after blank': '# T\n- item\n\n  ## inside item\n\n## Real\n',
  'heading in an ordered item': '# T\n1. item\n   ## inside\n2. more\n## Real\n',
  'item content at a wider column': '# T\n-   item\n    ## inside\n  ## outside? no, lazy-less\n## Real\n',
  'heading in a blockquote': '# T\n> ## quoted heading\n## Real\n',
  'fence inside a list item': '# T\n- item\n  ```\n  ## hidden\n  ```\n## Real\n',
  'fence inside a list item ends with the item': '# T\n- item\n  ```\n## Real\n',
  'comment inside a list item ends with the item': '# T\n- item\n  <!--\n## Real\n-->\n',
  'lazy continuation keeps the item open': '# T\n- item\nlazy line\n  ## inside\n## Real\n',
  'closing hashes': '# T #\n## Real ##\n### Three ### #\n',
  'not a heading without space': '# T\n#hashtag\n####### seven\n## Real\n',
  'empty heading': '# T\n##\n## Real\n',
  'front matter': '---\ntitle: x\n## not a heading\n---\n# T\n## Real\n',
  'unclosed front matter': '---\nstate: running\n\n# T\n## Real\n',
  'dots do not close front matter': '---\na: 1\n...\n# T\n## Real\n',
  'gfm table': '# T\n| a | b |\n|---|---|\n| 1 | 2 |\n## Real\n',
  'CRLF everywhere': '# T\r\n\r\n```\r\n## Hidden\r\n```\r\n\r\nSetext\r\n---\r\n## Real\r\n',
  'no final newline': '# T\n## Real',
  'tab-indented code': '# T\n\n\t## code\n\n## Real\n',
  'nested list heading': '# T\n- a\n  - b\n    ## deep\n## Real\n',
  'paragraph then list interrupting': '# T\npara\n- item\n---\n## Real\n',
  'ordered 2 cannot interrupt paragraph': '# T\npara\n2. not a list\n---\n## Real\n',
};

describe('outline vs remark on tricky inputs', () => {
  for (const [name, text] of Object.entries(TRICKY)) {
    it(name, () => {
      expect(outlineHeadings(text)).toEqual(remarkHeadings(text));
    });
  }
});

describe('what the outline hides', () => {
  it('marks comment and code lines inside a Status section so they are not entries', () => {
    const text =
      '## Status\n<!-- agents: newest last\n- 2026-01-01 00:00 UTC — example, not an entry\n-->\n- 2026-03-11 15:00 UTC — running\n```\n- 2026-01-02 — in code\n```\n## Results\n';
    const s = outline(new Source(text)).sections[0]!;
    expect(s.bodyLines).toHaveLength(7);
    expect(s.contentLines.map((l) => l.text)).toEqual(['- 2026-03-11 15:00 UTC — running']);
  });

  it('gives a multi-line setext heading its first line and a body after the underline', () => {
    const text = 'Status of\nthe run\n---\n- a\n';
    const s = outline(new Source(text)).sections[0]!;
    expect(s).toMatchObject({ depth: 2, title: 'Status of the run', line: 1 });
    expect(s.bodyLines.map((l) => l.text)).toEqual(['- a']);
    expect(text.slice(s.bodyStart)).toBe('- a\n');
  });
});

describe('sections by name', () => {
  it('finds a section alone or qualified (`Job 2`, `Job (resumed)`, `Job: retry`), never a longer name', () => {
    const text = '## Job\n## Job 2\n## Job (resumed)\n## Job: retry\n## Job — b\n## Jobs\n## Job d\n## Status notes\n';
    const titles = sectionsNamed(outline(new Source(text)), 'Job').map((s) => s.title);
    expect(titles).toEqual(['Job', 'Job 2', 'Job (resumed)', 'Job: retry', 'Job — b']);
  });
});
