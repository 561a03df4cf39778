export { parseStep } from './step.js';
export {
  listCheckpoints,
  newestComplete,
  byStep,
  describeCheckpoint,
  type Checkpoint,
  type LineageTag,
} from './list.js';
export { annotateLineage, refMatches, type LineageOptions } from './lineage.js';
export { pickCheckpoint, type PickOptions, type PickResult, type SkippedCheckpoint } from './pick.js';
export { planPrune, applyPrune, type PruneOptions, type PrunePlan, type KeepReason } from './prune.js';
