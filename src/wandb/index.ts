export {
  readWandbRuns,
  findStagingBloat,
  type WandbRun,
  type BloatReport,
  type BloatOffender,
  type BloatKind,
  type BloatOptions,
} from './runs.js';
export { wandbRunUrl } from './url.js';
export { readWandbKey, type WandbKey, type KeyLookup } from './key.js';
export { syncPlan, runWandbSync, type SyncOptions, type SyncPlan, type SyncResult } from './sync.js';
