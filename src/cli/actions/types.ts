import type { RunlogError } from '../../core/errors.js';

/** What a command body produces: the --json result, lines for people, and a push failure if any. */
export interface ActionOutput<R extends object = Record<string, unknown>> {
  result: R;
  human: string[];
  /** Diagnostics and warnings for stderr (both modes). */
  stderr?: string[];
  pushError?: RunlogError;
}
