export { LocalExecutor, type LocalExecutorOptions } from './local-executor.js';
export { LOCAL_FILES } from './files.js';
export { resolveExecutable } from './preflight.js';
