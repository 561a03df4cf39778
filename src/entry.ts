/** The bundle's entry: oclif's runner and our command table in one module. */
import { Errors, flush, run } from '@oclif/core';
import { usageError } from './core/errors.js';
import { printError } from './cli/output.js';
import { didYouMean } from './cli/suggest.js';
import { COMMANDS } from './commands/index.js';

export { COMMANDS };

/** Every command as typed (`ckpt passport`) and every topic (`ckpt`). */
function typedNames(): string[] {
  const ids = Object.keys(COMMANDS).map((id) => id.replace(/:/g, ' '));
  const topics = ids.filter((id) => id.includes(' ')).map((id) => id.split(' ')[0]!);
  return [...new Set([...ids, ...topics])];
}

/** oclif names the whole argv as the command; the command is its first word, or two under a topic. */
function unknownCommand(argvWords: string, json: boolean): void {
  const names = typedNames();
  const words = argvWords.split(' ');
  const typed = words.length > 1 && names.includes(words[0]!) ? words.slice(0, 2).join(' ') : words[0]!;
  const near = didYouMean(typed, names);
  const hint = near ? `${near.trim()} \`runlog --help\` lists the commands` : 'see `runlog --help` for the commands';
  printError(usageError('UNKNOWN_COMMAND', `runlog has no command "${typed}"`, hint), json);
  process.exitCode = 2;
}

/**
 * `runlog help [command...]` is `runlog [command...] --help`, as in git and
 * gh; a name that is no command or topic is refused like any unknown command.
 */
function helpArgv(argv: string[]): string[] | null {
  const words = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (words.length === 0) return ['--help'];
  const typed = words.join(' ').replace(/:/g, ' ');
  return typedNames().includes(typed) ? [...typed.split(' '), '--help'] : null;
}

/**
 * Run oclif; an unknown command is a usage error in our format
 * (`error[CODE]` + hint, exit 2, JSON on stdout with --json) rather than oclif's own text.
 */
export async function main(given: string[], dir: string): Promise<void> {
  let argv = given;
  if (given[0] === 'help') {
    const help = helpArgv(given);
    if (!help)
      return unknownCommand(
        given
          .slice(1)
          .filter((a) => !a.startsWith('-'))
          .join(' '),
        given.includes('--json'),
      );
    argv = help;
  }
  try {
    await run(argv, dir);
    await flush();
  } catch (err) {
    const m = err instanceof Error ? /^command (\S+) not found/i.exec(err.message) : null;
    if (m) return unknownCommand(m[1]!.replace(/:/g, ' '), argv.includes('--json'));
    await Errors.handle(err as Error);
  }
}
