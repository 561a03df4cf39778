// Bundle the CLI into one ESM entry plus lazily loaded chunks: start-up cost is
// dominated by resolving and compiling hundreds of small modules.
//
// Chunks have content-hashed names and are written before the entry, which is
// renamed into place last: a CLI started during a rebuild sees either the old
// entry (whose chunks are still there) or the new one, never a half-written
// bundle.
import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const result = await build({
  entryPoints: { runlog: 'src/entry.ts', fast: 'src/cli/fast.ts' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: 'dist/bundle',
  entryNames: '[name]',
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (remark, octokit, executors) become chunks loaded only by the commands that need them.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // oclif only loads typescript to run commands from .ts sources in development.
  external: ['typescript', 'ts-node'],
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  write: false,
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});

const isEntry = (p) => p.endsWith('/runlog.mjs') || p.endsWith('/fast.mjs');
for (const f of [...result.outputFiles.filter((f) => !isEntry(f.path)), ...result.outputFiles.filter((f) => isEntry(f.path))]) {
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = `${f.path}.${process.pid}.tmp`;
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
}
