#!/usr/bin/env node
// CommonJS (see bin/package.json): an ES module entry costs ~6-10 ms more to start.
// Hot commands (src/cli/fast-commands.ts) take a lean path that skips loading oclif;
// everything else, and anything the lean path does not fully understand, runs through oclif.
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const { boot } = require('../dist/bundle/boot.cjs');
boot(
  process.argv.slice(2),
  join(__dirname, '..', 'dist', 'bundle'),
  pathToFileURL(join(__dirname, '..', 'package.json')).href,
);
