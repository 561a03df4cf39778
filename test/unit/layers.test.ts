/**
 * Imports run down the layers only: a module may import its own folder and
 * any lower layer, never a higher one (README, "How it is built"). A new
 * upward import fails here with the file and the line that broke the rule.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', '..', 'src');

/**
 * Lowest first. A path's layer is that of its longest listed prefix. Folders
 * on one layer do not import each other. `cli/output` (the CommandOutput
 * contract) and `cli/render` sit below the services that return and use
 * them; the rest of `cli` (base command, fast entry) sits above them.
 * Each folder is listed once, so a new top-level folder must be placed here.
 */
const LAYERS: string[][] = [
  ['core'],
  ['config'],
  ['git', 'markdown'],
  ['signals', 'checkpoints', 'github', 'wandb', 'executors'],
  ['preflight', 'plot'],
  ['campaigns'],
  ['ledger'],
  ['jobs', 'publish', 'lint'],
  ['schemas'],
  ['hero'],
  ['cli/output.ts', 'cli/render'],
  ['app'],
  ['cli'],
  ['commands'],
  ['entry.ts'],
  // What bin/run.js loads: the fast entry, or the oclif bundle built from entry.ts.
  ['cli/boot.ts'],
];

const RANK = new Map(LAYERS.flatMap((names, rank) => names.map((n) => [n, rank] as const)));

/** The listed prefix a path belongs to, and its layer. */
function layerOf(path: string): { unit: string; rank: number } {
  const unit = [...RANK.keys()]
    .filter((p) => path === p || path.startsWith(`${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (unit === undefined)
    throw new Error(`src/${path} is in no layer: add its folder to LAYERS in test/unit/layers.test.ts`);
  return { unit, rank: RANK.get(unit) as number };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') ? [full] : [];
  });
}

interface Import {
  from: string;
  line: number;
  to: string;
}

/** Every relative import of ours: static, `export … from`, and `import()`. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const from = relative(SRC, file);
  const found: Import[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)'(\.{1,2}\/[^']+)'/gm)) {
    const to = relative(SRC, normalize(join(dirname(file), m[1] as string))).replace(/\.js$/, '.ts');
    found.push({ from, line: text.slice(0, m.index).split('\n').length, to });
  }
  return found;
}

const imports = sourceFiles(SRC).flatMap(importsOf);

describe('layers', () => {
  it('sees the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(500);
    expect(imports.some((i) => i.from === 'app/append.ts' && i.to.startsWith('ledger/'))).toBe(true);
  });

  it('no module imports a higher layer, or a sibling folder on its own layer', () => {
    const upward = imports
      .filter((i) => {
        const a = layerOf(i.from);
        const b = layerOf(i.to);
        return a.unit !== b.unit && b.rank >= a.rank;
      })
      .map(
        (i) =>
          `src/${i.from}:${i.line} imports src/${i.to} (${layerOf(i.from).unit} may not depend on ${layerOf(i.to).unit})`,
      );
    expect(upward).toEqual([]);
  });

  it("zod's v3 API only in modules on the hot commands' start-up path (a bundle 7x smaller); `zod` elsewhere", () => {
    const v3 = sourceFiles(SRC)
      .filter((f) => /from 'zod\/v3'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(SRC, f))
      .sort();
    expect(v3).toEqual(['config/config.ts', 'git/journal.ts', 'ledger/ops/args.ts', 'markdown/frontmatter.ts']);
  });

  it('the checker itself catches an upward import', () => {
    const a = layerOf('markdown/runlog.ts');
    const b = layerOf('ledger/ops/record.ts');
    expect(b.rank).toBeGreaterThan(a.rank);
    expect(layerOf('cli/render/run.ts').rank).toBeLessThan(layerOf('app/show.ts').rank);
    expect(layerOf('cli/fast.ts').rank).toBeGreaterThan(layerOf('app/show.ts').rank);
  });
});
