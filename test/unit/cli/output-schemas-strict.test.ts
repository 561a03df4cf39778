/**
 * A `--json` schema that lets unknown keys through would pass the contract
 * tests even when a command leaks an internal field: every object in every
 * exported output schema must reject keys it does not name.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as schemas from '../../../src/schemas/output.js';

/** Paths (from the export name) of every object that accepts unknown keys without naming what they hold. */
function looseObjects(schema: z.ZodType, path: string, seen = new Set<z.ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const def = (schema as z.ZodType & { def: Record<string, unknown> }).def;
  const walk = (child: unknown, at: string): string[] =>
    child instanceof z.ZodType ? looseObjects(child, at, seen) : [];
  if (schema instanceof z.ZodObject) {
    const catchall = def['catchall'] as z.ZodType | undefined;
    // strict() sets a `never` catchall; an error object names its extra fields with unknown on purpose.
    const loose = catchall === undefined || (catchall instanceof z.ZodUnknown && !path.endsWith('.error'));
    const inner = Object.entries(schema.shape).flatMap(([key, value]) => walk(value, `${path}.${key}`));
    return loose ? [path, ...inner] : inner;
  }
  if (schema instanceof z.ZodArray) return walk(def['element'], `${path}[]`);
  if (schema instanceof z.ZodRecord) return walk(def['valueType'], `${path}{}`);
  if (schema instanceof z.ZodUnion) return (def['options'] as unknown[]).flatMap((o, i) => walk(o, `${path}|${i}`));
  return walk(def['innerType'], path);
}

describe('output schemas', () => {
  const exported = Object.entries(schemas as Record<string, unknown>).filter(
    (e): e is [string, z.ZodType] => e[1] instanceof z.ZodType,
  );

  it('every exported schema rejects unknown keys at every level', () => {
    expect(exported.length).toBeGreaterThan(40);
    expect(exported.flatMap(([name, schema]) => looseObjects(schema, name))).toEqual([]);
  });

  it('a leaked field fails the parse', () => {
    const doc = { id: 'r', path: 'p', state: 'created', commit: null, pushed: true, warnings: [] };
    expect(schemas.NewOutput.safeParse(doc).success).toBe(true);
    expect(schemas.NewOutput.safeParse({ ...doc, internal: 1 }).success).toBe(false);
  });
});
