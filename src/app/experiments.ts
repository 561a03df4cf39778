/** `runlog experiments`: rebuild the experiments table of a folder (see index-files.ts). */
import type { CommandOutput } from '../cli/output.js';
import type { IndexResult } from '../schemas/output.js';
import { rebuildIndex, type IndexInput } from './index-files.js';

export const experimentsService = (input: IndexInput): Promise<CommandOutput<IndexResult>> =>
  rebuildIndex('experiments', input);
