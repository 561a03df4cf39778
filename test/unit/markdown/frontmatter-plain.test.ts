// The plain front-matter reader must agree with js-yaml's core schema and with FrontMatterSchema, or decline.
import jsYaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import {
  FrontMatterSchema,
  parseFrontMatter,
  plainFrontMatter,
  plainIsValid,
} from '../../../src/markdown/frontmatter.js';

const VALUES = [
  '1',
  '0',
  '2',
  '01',
  '1.0',
  '1e3',
  '0x1',
  '1_0',
  'null',
  'Null',
  'NULL',
  '~',
  'true',
  'False',
  'yes',
  'running',
  'completed',
  'experiment',
  'pipeline',
  'Experiment',
  'bench/2026-03-22_x',
  '2026-03-22_train',
  '2026-03-22',
  'a.b',
  '_x',
  'oom_gpu',
  '"quoted"',
  "'q'",
  '',
  'a b',
  'a: b',
  '#c',
  '[1]',
  '-1',
  '.5',
  'inf',
  'nan',
  '12345678901234567',
];
const KEYS = [
  'schema_version',
  'id',
  'state',
  'run_type',
  'subtype',
  'campaign',
  'attempt',
  'failure_class',
  'extra',
  '__proto__',
];

function* blocks(): Generator<string> {
  const base: [string, string][] = [
    ['schema_version', '1'],
    ['id', 'g/2026-03-22_x'],
    ['state', 'running'],
    ['run_type', 'experiment'],
    ['campaign', 'null'],
    ['attempt', '1'],
  ];
  yield `${base.map(([k, v]) => `${k}: ${v}`).join('\n')}\n`;
  for (const key of KEYS) {
    for (const value of VALUES) {
      const lines = base.filter(([k]) => k !== key).map(([k, v]) => `${k}: ${v}`);
      lines.splice(2, 0, `${key}: ${value}`);
      yield `${lines.join('\n')}\n`;
    }
  }
  yield 'id: a\nid: b\n';
  yield 'schema_version: 1\n\nid: x\n';
  yield 'schema_version: 1\r\nid: x\r\n';
  yield 'schema_version:  1\n';
  yield '--- \n';
}

describe('plain front matter', () => {
  it('reads exactly what js-yaml (core schema) reads, or declines', () => {
    let read = 0;
    for (const block of blocks()) {
      const plain = plainFrontMatter(block);
      if (plain === null) continue;
      read++;
      expect(plain, block).toEqual(jsYaml.load(block, { schema: jsYaml.CORE_SCHEMA }));
      expect(Object.keys(plain), block).toEqual(
        Object.keys(jsYaml.load(block, { schema: jsYaml.CORE_SCHEMA }) as object),
      );
    }
    expect(read).toBeGreaterThan(150);
  });

  it('judges validity exactly as FrontMatterSchema does', () => {
    let valid = 0;
    for (const block of blocks()) {
      const plain = plainFrontMatter(block);
      if (plain === null) continue;
      const ok = plainIsValid(plain);
      if (ok) valid++;
      expect(ok, block).toBe(FrontMatterSchema.safeParse(plain).success);
      const res = parseFrontMatter(`---\n${block}---\n`);
      expect(res.ok, block).toBe(ok);
      // the fast path hands back what zod would: same keys, same order
      if (res.ok)
        expect(JSON.stringify(res.data), block).toBe(
          JSON.stringify(FrontMatterSchema.parse(jsYaml.load(block, { schema: jsYaml.CORE_SCHEMA }))),
        );
    }
    expect(valid).toBeGreaterThan(50);
  });
});
