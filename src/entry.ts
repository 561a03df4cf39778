/** The bundle's entry: oclif's runner and our command table in one module. */
import { Errors, flush, run } from '@oclif/core';
import { usageError } from './core/errors.js';
import { printError } from './cli/output.js';

export { COMMANDS } from './commands/index.js';

/**
 * Run oclif; an unknown command is a usage error in our format
 * (`error[CODE]` + hint, exit 2, JSON on stdout with --json) rather than oclif's own text.
 */
export async function main(argv: string[], dir: string): Promise<void> {
  try {
    await run(argv, dir);
    await flush();
  } catch (err) {
    const m = err instanceof Error ? /^command (\S+) not found/i.exec(err.message) : null;
    if (m) {
      printError(usageError('UNKNOWN_COMMAND', `runlog has no command "${m[1]!.replace(/:/g, ' ')}"`, 'see `runlog --help` for the commands'), argv.includes('--json'));
      process.exitCode = 2;
      return;
    }
    await Errors.handle(err as Error);
  }
}
