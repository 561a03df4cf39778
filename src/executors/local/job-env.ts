import type { JobSpec } from '../types.js';

/**
 * The job inherits the launching environment with the spec's variables on
 * top: a spec lists what the run sets, not the whole of PATH, HOME and the
 * rest a command needs to start.
 */
export function jobEnv(spec: JobSpec): NodeJS.ProcessEnv {
  return { ...process.env, ...spec.env };
}
