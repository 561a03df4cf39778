#!/usr/bin/env node
// Hot commands (append, show, list) take a lean path that skips loading oclif;
// everything else, and anything the lean path does not fully understand, runs through oclif.
const argv = process.argv.slice(2);
const fast = await import('../dist/bundle/fast.mjs');
if (!(await fast.runFast(argv))) {
  const { main } = await import('../dist/bundle/runlog.mjs');
  await main(argv, import.meta.url);
}
