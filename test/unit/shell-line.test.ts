/** The Job block's command is one shell line, and reading it back gives the exact argv. */
import { describe, expect, it } from 'vitest';
import { shellLine, shellWords } from '../../src/core/shell-quote.js';
import { argvField, commandArgv } from '../../src/jobs/attempt.js';
import { exactDuration, parseDuration } from '../../src/core/time.js';

const CASES: string[][] = [
  ['node', 'train.mjs', '--steps', '12'],
  ['python', '-c', "print('hi there')"],
  ['bash', '-c', 'echo "$HOME" `date` \\ done'],
  ['x', '', 'a b', "it's", '--init-from', '{init_from}'],
  ['uni', 'ü', 'tab\there', 'new\nline'],
];

describe('command line', () => {
  it.each(CASES.map((c) => [c.join(' '), c]))('round-trips %s', (_name, argv) => {
    expect(shellWords(shellLine(argv))).toEqual(argv);
    expect(commandArgv(argvField(argv))).toEqual(argv);
  });
  it('quotes only what a shell would read differently', () => {
    expect(shellLine(['node', 'train.mjs', '--lr=3e-4', '/a/b', 'a b'])).toBe("node train.mjs --lr=3e-4 /a/b 'a b'");
  });
  it('reads the JSON arrays older versions wrote, and refuses an unclosed quote', () => {
    expect(commandArgv('`["node","x.js"]`')).toEqual(['node', 'x.js']);
    expect(commandArgv('["node","x.js"]')).toEqual(['node', 'x.js']);
    expect(shellWords("echo 'open")).toBeNull();
  });
});

describe('clocks', () => {
  it.each([
    [259_200_000, '72h'],
    [1_800_000, '30m'],
    [90_000, '90s'],
    [2500, '2500ms'],
    [0, '0ms'],
  ] as const)('%d ms is %s and reads back', (ms, text) => {
    expect(exactDuration(ms)).toBe(text);
    expect(parseDuration(text, 'x')).toBe(ms);
  });
});
