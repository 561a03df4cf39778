// Bundle the CLI into one ESM file: start-up cost is dominated by resolving
// and compiling hundreds of small modules; one file cuts it several-fold.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli/entry.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  outdir: 'dist/bundle',
  entryNames: 'runlog',
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
  // CommonJS dependencies inside an ESM bundle need require().
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
