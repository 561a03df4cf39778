// The door every operation passes: validation, normalising, scrubbing, and the error codes it reports.
import { describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { scrubberFor } from '../../src/core/scrub/scrub.js';
import { normaliseLine, normaliseText } from '../../src/core/scrub/normalise.js';
import { prepareOperation } from '../../src/ledger/ops/args.js';

const s = scrubberFor(undefined);
const TOKEN = ['gh', 'p_', 'A1b2C3d4E5'.repeat(4)].join('');
const append = (args: Record<string, unknown>, run = 'r') =>
  prepareOperation(
    { v: 1, kind: 'append', run, args: { run, message: 'm', metrics: {}, at: '2026-03-22T10:00:00Z', ...args } },
    s,
  );
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RunlogError);
    return (e as RunlogError).code;
  }
  return undefined;
};

describe('prepareOperation', () => {
  it('normalises then scrubs line fields: escapes, OSC 52, BEL, bidi and line breaks go, secrets split by them are caught', () => {
    const op = append({
      message: `done\u001b[31m red\u001b[0m \u001b]52;c;${Buffer.from('x').toString('base64')}\u0007 \u202eevil\u202c WANDB_API_KEY=\n${'ab12'.repeat(10)}`,
    });
    expect(op.args['message']).toBe('done red evil WANDB_API_KEY= [REDACTED:wandb]');
  });

  it('keeps the lines of text fields, and drops keys it does not know', () => {
    const op = prepareOperation(
      {
        v: 1,
        kind: 'hero-launch',
        run: 'x',
        args: {
          slug: 'x',
          path: '.agents/logbooks/x.md',
          at: '2026-03-22T10:00:00Z',
          relaunch: false,
          instance: { title: 't', fields: [] },
          entry: { at: '2026-03-22T10:00:00Z', title: 't', fields: [], eventId: 'e', mirror: 'none' },
          files: [{ path: 'cfg.yaml', content: `a: 1\r\ntoken:\n  ${TOKEN}\n` }],
          sneaky: 'rm -rf /',
        },
      },
      s,
    );
    expect((op.args['files'] as { content: string }[])[0]!.content).toBe('a: 1\ntoken:\n  [REDACTED:github]\n');
    expect(op.args).not.toHaveProperty('sneaky');
  });

  it('accepts NaN metrics, and null for NaN from a replayed trailer', () => {
    expect(
      Number.isNaN((append({ metrics: { loss: Number.NaN } }).args['metrics'] as Record<string, number>)['loss']),
    ).toBe(true);
    expect(Number.isNaN((append({ metrics: { loss: null } }).args['metrics'] as Record<string, number>)['loss'])).toBe(
      true,
    );
  });

  it('BAD_OPERATION for malformed arguments, naming the field and never the value', () => {
    expect(codeOf(() => append({ message: { $gt: '' } }))).toBe('BAD_OPERATION');
    expect(codeOf(() => append({ metrics: 'all' }))).toBe('BAD_OPERATION');
    expect(codeOf(() => prepareOperation({ v: 2, kind: 'append', args: {} } as never, s))).toBe('BAD_OPERATION');
    try {
      append({ at: 7 });
    } catch (e) {
      expect((e as RunlogError).message).toMatch(/"append": at:/);
      expect((e as RunlogError).exitCode).toBe(1);
    }
  });

  it('UNKNOWN_OPERATION for a kind this runlog does not know', () => {
    expect(codeOf(() => prepareOperation({ v: 1, kind: 'exec', args: {} }, s))).toBe('UNKNOWN_OPERATION');
    expect(codeOf(() => prepareOperation({ v: 1, kind: '__proto__', args: {} }, s))).toBe('UNKNOWN_OPERATION');
  });

  it('SECRET_IN_NAME (exit 2) for a name holding a secret; BAD_OPERATION for one holding a control character', () => {
    const e = (() => {
      try {
        append({}, `run-${TOKEN}`);
      } catch (err) {
        return err as RunlogError;
      }
      return null;
    })();
    expect(e?.code).toBe('SECRET_IN_NAME');
    expect(e?.exitCode).toBe(2);
    expect(e?.message).not.toContain(TOKEN);
    expect(codeOf(() => append({ at: '2026\u001b[2J' }))).toBe('BAD_OPERATION');
    expect(codeOf(() => append({ run: 'a\nb' }, 'r'))).toBe('BAD_OPERATION');
  });
});

describe('normalise', () => {
  it('is idempotent and keeps ordinary text byte for byte', () => {
    const plain = 'step 12 — loss 0.5 ✓ 日本語 emoji 👍🏽 tab\tend';
    expect(normaliseText(plain)).toBe(plain);
    const messy = 'a\r\nb\u2028c\u0000d\u001b[1mE\u001b]0;title\u001b\\f\u200bg';
    expect(normaliseText(normaliseText(messy))).toBe(normaliseText(messy));
    expect(normaliseText(messy)).toBe('a\nb\ncdEfg');
    expect(normaliseLine(' a \n\n b\t c ')).toBe('a b c');
  });
});
