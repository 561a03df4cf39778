import { usageError } from './errors.js';

/**
 * POSIX single-quote escaping: inside '...' nothing is special, so the only
 * character to handle is the quote itself, written as '\'' (close, escaped
 * quote, reopen). The result is one word to any POSIX shell, newlines included.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    throw usageError('ARGV_NUL_BYTE', 'an argument contains a NUL byte, which no process can receive', 'remove the NUL byte from the command');
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellQuoteArgv(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}
