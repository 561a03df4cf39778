export * from './progress.js';
export * from './classify.js';
export * from './detectors/index.js';
