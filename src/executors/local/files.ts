import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunlogError } from '../../core/errors.js';

/**
 * The files of a local job: the log in its output directory, the rest in the
 * attempt's local-state folder (../state.ts), where no commit can put them.
 * They are the job's whole state: a restarted supervisor on this machine
 * finds the job again from them alone.
 */
export const LOCAL_FILES = {
  /** What submit meant to launch, written before anything is spawned. */
  intent: 'intent.json',
  /** Written by the wrapper when it claims the launch, completed once the command runs. */
  job: 'job.json',
  /** Written by the wrapper, atomically, when the command ends. */
  exit: 'exit.json',
  /** Written by cancel before it signals, so our own SIGTERM reads as canceled. */
  stop: 'stop-requested',
  /** stdout and stderr of the command (and of the wrapper), appended; in the output directory. */
  log: 'output.log',
} as const;

export type LocalFile = keyof typeof LOCAL_FILES;

export const localFile = (dir: string, file: LocalFile): string => join(dir, LOCAL_FILES[file]);

/**
 * The wrapper is plain JavaScript outside src so one path works from the
 * TypeScript sources (tests) and from the compiled dist (production).
 */
export function wrapperPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) {
      const candidate = join(dir, 'libexec', 'local-wrapper.mjs');
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new RunlogError(
    'internal',
    'LOCAL_WRAPPER_MISSING',
    'libexec/local-wrapper.mjs was not found next to the runlog package.json',
    'the runlog installation is incomplete; reinstall runlog (the package must ship its libexec folder)',
  );
}
