// Bundle the CLI: start-up cost is dominated by resolving and compiling
// hundreds of small modules.
//
// - dist/bundle/runlog.mjs: oclif and every command, one ESM entry plus
//   lazily loaded chunks.
// - dist/bundle/fast-<command>.cjs: the hot commands' fast entry as one CommonJS
//   file per command, run through V8's code cache (src/cli/code-cache.ts says
//   why, with numbers); its first line carries its content hash, which names the cache.
// - dist/bundle/boot.cjs: what bin/run.js requires.
//
// Chunks have content-hashed names and are written before the entries, which
// are renamed into place last: a CLI started during a rebuild sees either the
// old entry (whose chunks are still there) or the new one, never a
// half-written bundle.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  // oclif only loads typescript to run commands from .ts sources in development.
  external: ['typescript', 'ts-node'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
};

const esm = await build({
  ...common,
  entryPoints: { runlog: 'src/entry.ts' },
  format: 'esm',
  outdir: 'dist/bundle',
  entryNames: '[name]',
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (remark, octokit, executors) become chunks loaded only by the commands that need them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

// child_process and crypto load streams and net (~40 built-in modules);
// `show` and `list` never call them, so the bundle requires each on first use.
const LAZY = ['node:child_process', 'node:crypto'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: new RegExp(`^(${LAZY.join('|')})$`) }, (a) =>
      a.namespace === 'lazy' ? { path: a.path, external: true } : { path: a.path, namespace: 'lazy' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, async (a) => {
      const names = Object.keys(await import(a.path)).filter((n) => n !== 'default');
      const body = names
        .map((n) => `export function ${n}(...x) { return require(${JSON.stringify(a.path)}).${n}(...x); }`)
        .join('\n');
      return { contents: body, loader: 'js' };
    });
  },
};
const cjs = (entry, outfile, plugins = []) =>
  build({
    ...common,
    plugins: [lazyBuiltins, ...plugins],
    entryPoints: [entry],
    format: 'cjs',
    outfile,
    // Modules that find their package files from their own location keep working from the bundle.
    define: { 'import.meta.url': '__runlogModuleUrl' },
    banner: { js: "const __runlogModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
// One fast bundle per command, holding only that command's service: the code cache a command
// reads grows with the whole bundle (one bundle of all six: 1.5 MB, a 680 KB cache for `show`).
const commands = JSON.parse(
  /FAST_COMMANDS = (\[[^\]]*\])/.exec(readFileSync('src/cli/fast-commands.ts', 'utf8'))[1].replace(/'/g, '"'),
);
// The same name src/cli/fast-commands.ts's fastBundleFile gives it.
const fastFile = (c) => `fast-${c.replace(':', '-')}.cjs`;
const onlyService = (command) => ({
  name: 'only-service',
  setup(b) {
    // A topic command's service sits in its topic's folder (campaign:status → app/campaign/status.ts).
    b.onResolve({ filter: /^\.\.\/app\/[\w/-]+\.js$/ }, (a) =>
      a.importer.endsWith('src/cli/fast.ts') && a.path !== `../app/${command.replace(':', '/')}.js`
        ? { path: a.path, namespace: 'not-this-command' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'not-this-command' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
});
const [boot, ...fasts] = await Promise.all([
  cjs('src/cli/boot.ts', 'dist/bundle/boot.cjs'),
  ...commands.map((c) => cjs('src/cli/fast.ts', `dist/bundle/${fastFile(c)}`, [onlyService(c)])),
]);
const fast = { outputFiles: fasts.flatMap((f) => f.outputFiles) };
const tagged = (f) => {
  const hash = createHash('sha256').update(f.contents).digest('hex').slice(0, 16);
  return { path: f.path, contents: Buffer.concat([Buffer.from(`// runlog-bundle ${hash}\n`), f.contents]) };
};

// One character outside ASCII makes node hold the whole bundle as a two-byte string, and V8 scans
// it as such: `append` took ~10% more CPU from a 1.4 MB bundle with seven dashes in regexes.
// esbuild escapes strings but not regex literals, so those are written with \u escapes.
for (const f of [...fast.outputFiles, ...boot.outputFiles]) {
  const at = f.text.search(/[^\0-\x7f]/);
  if (at !== -1)
    throw new Error(
      `${f.path} holds a non-ASCII character (${JSON.stringify(f.text.slice(Math.max(0, at - 40), at + 10))}): write it as a \\u escape in the source`,
    );
}

const entries = new Set(['runlog.mjs', 'boot.cjs', ...commands.map(fastFile)].map((n) => resolve('dist/bundle', n)));
const files = [...esm.outputFiles, ...fast.outputFiles.map(tagged), ...boot.outputFiles];
for (const f of [...files.filter((f) => !entries.has(f.path)), ...files.filter((f) => entries.has(f.path))]) {
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
