/** The bundle's entry: oclif's runner and our command table in one module. */
export { execute } from '@oclif/core';
export { COMMANDS } from '../commands/index.js';
