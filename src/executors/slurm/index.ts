export { SlurmExecutor, type SlurmExecutorOptions } from './executor.js';
export {
  SlurmClient,
  SlurmCommandError,
  SlurmTransportError,
  type SlurmClientOptions,
  type SlurmCommand,
  type SlurmOutput,
} from './client.js';
export type { SlurmProfile } from './batch-script.js';
export { shellQuote, shellQuoteArgv } from '../../core/shell-quote.js';
