/**
 * Run-log front matter: a small YAML block for what machines query fast.
 *
 * Why js-yaml 4 and not gray-matter: the outline already finds the fences, and
 * gray-matter both *evaluates* `---js` front matter (a run log may come from
 * anyone's clone) and loads js-yaml 3's full schema (with its JavaScript
 * types) at start-up. js-yaml 4 has no executable types, and with the core
 * schema dates stay strings. It parses a small block ~5x faster than `yaml`
 * (measured: 2,000 blocks in 45 ms vs 238 ms), which `list` over 10,000 runs
 * needs. `---js` blocks are refused outright.
 *
 * js-yaml (core schema) is runlog's one reader of YAML data: front matter,
 * config, logbooks, run configs, W&B files. The `yaml` package is used only
 * for campaign manifests (campaigns/source.ts), whose errors must name the
 * line of any value, and only its nodes carry one.
 */
import jsYaml from 'js-yaml';
// zod's v3 API (shipped in the zod 4 package): a one-object schema bundles to 60 KB minified, against 454 KB
// for zod 4 and 427 KB for zod/mini, and show's whole bundle is 225 KB. Only modules on the hot commands'
// start-up path use it (test/unit/layers.test.ts holds the list); everything else uses `zod`.
import { z } from 'zod/v3';
import { STATES } from '../core/lifecycle.js';

export const RUN_TYPES = ['replication', 'experiment', 'pipeline'] as const;

export const FrontMatterSchema = z
  .object({
    schema_version: z.literal(1),
    id: z.string().min(1),
    state: z.enum(STATES),
    run_type: z.enum(RUN_TYPES),
    subtype: z.string().optional(),
    campaign: z.string().nullable().optional(),
    attempt: z.number().int().min(1),
    failure_class: z.string().optional(),
  })
  .passthrough();
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

export type FrontMatterResult = { ok: true; data: FrontMatter } | { ok: false; message: string; line?: number };

/** Parse a fenced block (`---` … `---`); `firstLine` is the line of the opening fence. */
export function parseFrontMatter(fenced: string, firstLine = 1): FrontMatterResult {
  const block = fenced.replace(/^---[^\n]*\n/, '').replace(/\n?(?:---|\.\.\.)[ \t]*\r?\n?$/, '\n');
  if (/^---[ \t]*(js|javascript)\b/.test(fenced)) {
    return { ok: false, message: 'executable front matter (---js) is not allowed in a run log', line: firstLine };
  }
  const plain = plainFrontMatter(block);
  if (plain && plainIsValid(plain)) return { ok: true, data: asParsed(plain) };
  let data: unknown = plain;
  try {
    data ??= jsYaml.load(block, { schema: jsYaml.CORE_SCHEMA }) ?? {};
  } catch (err) {
    const mark = (err as { mark?: { line?: number } }).mark;
    const msg =
      err instanceof Error ? ((err as { reason?: string }).reason ?? err.message.split('\n')[0]!) : String(err);
    return {
      ok: false,
      message: `front matter is not valid YAML: ${msg}`,
      line: mark?.line !== undefined ? firstLine + 1 + mark.line : firstLine,
    };
  }
  const parsed = FrontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path.join('.');
    return {
      ok: false,
      message: `front matter field ${key || '(root)'}: ${issue.message}`,
      line: firstLine + lineOfKey(block, key),
    };
  }
  return { ok: true, data: parsed.data };
}

const PLAIN_LINE = /^([A-Za-z_][A-Za-z0-9_]*): ([A-Za-z0-9_][A-Za-z0-9_./-]*)$/;
const CORE_NULL = /^(?:null|Null|NULL)$/;
const CORE_BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
/** What YAML's core schema might read as a number; only plain decimal integers are decided here. */
const MAYBE_NUMBER = /^(?:0[xob]|[0-9][0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$)/;

/**
 * The block as js-yaml's core schema reads it, when every line is `key: value`
 * with a plain value (what runlog writes); null for anything else, which js-yaml
 * then reads. Measured: 10,000 blocks in 280 ms through js-yaml, the largest
 * cost of `list` on a fresh clone, against ~20 ms this way.
 */
export function plainFrontMatter(block: string): Record<string, unknown> | null {
  const out: Record<string, unknown> = {};
  const lines = block.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  for (const line of lines) {
    const m = PLAIN_LINE.exec(line);
    if (!m || m[1] === '__proto__' || Object.hasOwn(out, m[1]!)) return null;
    const v = m[2]!;
    if (CORE_NULL.test(v)) out[m[1]!] = null;
    else if (CORE_BOOL.test(v)) out[m[1]!] = v[0] === 't' || v[0] === 'T';
    else if (/^(?:0|[1-9][0-9]{0,14})$/.test(v)) out[m[1]!] = Number(v);
    else if (MAYBE_NUMBER.test(v)) return null;
    else out[m[1]!] = v;
  }
  return out;
}

const STATE_SET = new Set<string>(STATES);
const RUN_TYPE_SET = new Set<string>(RUN_TYPES);
const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/**
 * FrontMatterSchema's verdict on what plainFrontMatter read, without zod
 * (~7 µs a call, 70 ms over 10,000 heads); a unit test holds the two equal.
 */
export function plainIsValid(o: Record<string, unknown>): o is FrontMatter {
  return (
    o['schema_version'] === 1 &&
    typeof o['id'] === 'string' &&
    o['id'] !== '' &&
    STATE_SET.has(o['state'] as string) &&
    RUN_TYPE_SET.has(o['run_type'] as string) &&
    optionalString(o['subtype']) &&
    (o['campaign'] === null || optionalString(o['campaign'])) &&
    Number.isInteger(o['attempt']) &&
    (o['attempt'] as number) >= 1 &&
    optionalString(o['failure_class'])
  );
}

/** The object FrontMatterSchema.parse returns for valid input: its own keys in schema order, then the others. */
function asParsed(o: FrontMatter): FrontMatter {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(FrontMatterSchema.shape)) if (Object.hasOwn(o, k)) out[k] = o[k as keyof FrontMatter];
  for (const k of Object.keys(o)) if (!Object.hasOwn(out, k)) out[k] = o[k as keyof FrontMatter];
  return out as FrontMatter;
}

function lineOfKey(block: string, key: string): number {
  const top = key.split('.')[0];
  const idx = block.split('\n').findIndex((l) => l.startsWith(`${top}:`));
  return idx === -1 ? 0 : idx + 1;
}

/** The front matter block runlog writes for a new run log. */
export function renderFrontMatter(fm: FrontMatter): string {
  const lines = [
    '---',
    `schema_version: ${fm.schema_version}`,
    `id: ${fm.id}`,
    `state: ${fm.state}`,
    `run_type: ${fm.run_type}`,
  ];
  if (fm.subtype) lines.push(`subtype: ${JSON.stringify(fm.subtype)}`);
  lines.push(`campaign: ${fm.campaign ?? 'null'}`, `attempt: ${fm.attempt}`, '---', '');
  return lines.join('\n');
}
