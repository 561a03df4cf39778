/** `runlog timeline`: rebuild timeline.md of a folder (see index-files.ts). */
import type { CommandOutput } from '../cli/output.js';
import type { IndexResult } from '../schemas/output.js';
import { rebuildIndex, type IndexInput } from './index-files.js';

export const timelineService = (input: IndexInput): Promise<CommandOutput<IndexResult>> =>
  rebuildIndex('timeline', input);
