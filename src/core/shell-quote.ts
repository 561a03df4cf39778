import { usageError } from './errors.js';

/**
 * POSIX single-quote escaping: inside '...' nothing is special, so the only
 * character to handle is the quote itself, written as '\'' (close, escaped
 * quote, reopen). The result is one word to any POSIX shell, newlines included.
 */
export function shellQuote(word: string): string {
  if (word.includes('\0')) {
    throw usageError(
      'ARGV_NUL_BYTE',
      'an argument contains a NUL byte, which no process can receive',
      'remove the NUL byte from the command',
    );
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellQuoteArgv(argv: string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** Words a shell reads as themselves: nothing to quote. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./{}-]+$/;

/**
 * The command as one line a person can paste into a shell: words quoted only
 * where a shell would read them differently (`shellWords` reads it back).
 */
export function shellLine(argv: readonly string[]): string {
  return argv.map((w) => (PLAIN.test(w) ? w : shellQuote(w))).join(' ');
}

/**
 * Split a POSIX shell line into words: single quotes, double quotes (with
 * `\` before `"`, `\`, `$` and a backtick) and backslash escapes; no
 * expansion of any kind. Null for a line with an unclosed quote.
 */
export function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return null;
      word += line.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      i++;
      for (; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) i++;
        word += line[i];
      }
      if (i >= line.length) return null;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
