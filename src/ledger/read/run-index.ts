/**
 * The cache of each run log's summary that `list` reads: `list` over 10,000
 * runs then costs a stat per file instead of a read and a parse (see
 * read/stat-cache.ts for when an entry is trusted).
 */
import type { Diagnostic } from '../../markdown/runlog.js';
import { StatCache } from './stat-cache.js';

export interface RunSummary {
  state: string;
  runType: string | null;
  failureClass: string | null;
  updated: string | null;
  stateInferred: boolean;
  errors: Diagnostic[];
  /** A dated name is not enough: an eval write-up or a model-card draft in the folder is not a run. */
  notARun?: true;
}

const VERSION = 3;

export const RunIndex = {
  open: (gitDir: string | null): StatCache<RunSummary> => StatCache.open<RunSummary>(gitDir, 'run-index.json', VERSION),
};
