// The fast entry parses append/show/list itself; its flags must stay the oclif commands' flags.
import { describe, expect, it } from 'vitest';
import { FAST } from '../../../src/cli/fast.js';
import { COMMANDS } from '../../../src/commands/index.js';

const GLOBAL = new Set(['json', 'ledger', 'push']);

describe('fast entry flags', () => {
  for (const name of Object.keys(FAST) as (keyof typeof FAST)[]) {
    it(`${name}: same flags, arguments, multiplicity and choices as the oclif command`, async () => {
      const spec = await FAST[name]!();
      const cmd = COMMANDS[name] as unknown as {
        flags: Record<string, { type: string; multiple?: boolean; options?: readonly string[]; parse?: unknown }>;
        args: Record<string, unknown>;
        baseFlags: Record<string, unknown>;
      };
      const own = Object.keys(cmd.flags ?? {})
        .filter((f) => !GLOBAL.has(f))
        .sort();
      expect(Object.keys(spec.options).sort()).toEqual(own);
      expect(Object.keys(cmd.baseFlags).sort()).toEqual(['ledger', 'push']);
      expect(spec.args).toEqual(Object.keys(cmd.args ?? {}));
      for (const f of own) {
        const o = cmd.flags[f]!;
        expect(Boolean(spec.options[f]!.multiple), `${name} --${f} multiple`).toBe(Boolean(o.multiple));
        expect(o.type).toBe(spec.options[f]!.type === 'boolean' ? 'boolean' : 'option');
        expect([...(spec.choices?.[f] ?? [])].sort(), `${name} --${f} choices`).toEqual([...(o.options ?? [])].sort());
      }
    });
  }
});
