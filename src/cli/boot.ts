/**
 * What bin/run.js starts: the hot commands through the fast entry's bundle
 * with its code cache (see code-cache.ts), everything else, and anything the
 * fast entry declines, through oclif.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCached } from './code-cache.js';

/** The commands fast.ts serves (a unit test keeps this equal to its table). */
export const FAST_COMMANDS = ['append', 'show', 'list', 'diff', 'compare'];

export async function boot(argv: string[], bundleDir: string, binUrl: string): Promise<void> {
  const name = argv[0];
  if (name !== undefined && FAST_COMMANDS.includes(name)) {
    const fast = loadCached<typeof import('./fast.js')>(join(bundleDir, 'fast.cjs'), name);
    const handled = await fast.exports.runFast(argv);
    fast.save();
    if (handled) return;
  }
  const { main } = (await import(pathToFileURL(join(bundleDir, 'runlog.mjs')).href)) as typeof import('../entry.js');
  await main(argv, binUrl);
}
