/**
 * What bin/run.js starts: the hot commands through the fast entry's bundle
 * with its code cache (see code-cache.ts), everything else, and anything the
 * fast entry declines, through oclif.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCached } from './code-cache.js';
import { fastBundleFile, fastCommandOf } from './fast-commands.js';

export async function boot(argv: string[], bundleDir: string, binUrl: string): Promise<void> {
  const fastCommand = fastCommandOf(argv);
  if (fastCommand) {
    const fast = loadCached<typeof import('./fast.js')>(
      join(bundleDir, fastBundleFile(fastCommand.name)),
      fastCommand.name,
    );
    const handled = await fast.exports.runFast(argv);
    fast.save();
    if (handled) return;
  }
  const { main } = (await import(pathToFileURL(join(bundleDir, 'runlog.mjs')).href)) as typeof import('../entry.js');
  await main(argv, binUrl);
}
