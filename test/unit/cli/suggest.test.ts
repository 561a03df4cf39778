import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../../src/cli/suggest.js';

const COMMANDS = [
  'append',
  'babysit',
  'cancel',
  'complete',
  'list',
  'logs',
  'new',
  'poll',
  'publish',
  'resume',
  'retry',
  'show',
  'submit',
  'sync',
  'timeline',
];

describe('did you mean', () => {
  it('finds swaps, typos and prefixes, closest first', () => {
    expect(closest('lsit', COMMANDS)).toEqual(['list']);
    expect(closest('sumbit', COMMANDS)).toEqual(['submit']);
    expect(closest('compelte', COMMANDS)).toEqual(['complete']);
    expect(closest('time', COMMANDS)).toEqual(['timeline']);
    expect(closest('retyr', COMMANDS)[0]).toBe('retry');
  });
  it('says nothing when nothing is close', () => {
    expect(closest('frobnicate', COMMANDS)).toEqual([]);
    expect(didYouMean('zz', COMMANDS)).toBe('');
    expect(closest('', COMMANDS)).toEqual([]);
  });
  it('reads as a sentence', () => {
    expect(didYouMean('lsit', COMMANDS)).toBe(' Did you mean "list"?');
    expect(didYouMean('--stat', ['--state', '--status'])).toBe(' Did you mean "--state" or "--status"?');
  });
});
