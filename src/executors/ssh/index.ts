export { SshExecutor, type SshExecutorOptions } from './executor.js';
export { SshStateStore } from './state.js';
export { placeRun, describeHost, type PlacementOutcome, type PlacementRequest } from './placement.js';
