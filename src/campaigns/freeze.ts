/**
 * The frozen manifest: the canonical form of what was launched (keys sorted,
 * grid expanded, defaults filled in, commands as argv with secrets
 * scrubbed). Its bytes are `manifest.yaml`, and the campaign id is
 * `<name>-<first 8 hex of their sha256>`: anyone can check a campaign with
 * `sha256sum manifest.yaml`. The same manifest always freezes to the same
 * bytes, so relaunching it finds the same campaign; any edit is a new one.
 *
 * The YAML is written by the small emitter below, not a library: every
 * scalar is a JSON string or number (valid YAML), so the bytes cannot change
 * when a YAML library changes its quoting rules, which would change every id.
 */
import { createHash } from 'node:crypto';
import jsYaml from 'js-yaml';
import { z } from 'zod';
import { failed, usageError } from '../core/errors.js';
import type { Entry } from './expand.js';
import { EXECUTORS, RUN_TYPES, type Manifest } from './manifest.js';
import { STALL_ACTIONS, type FrozenPolicy } from './policy.js';

export const FROZEN_SCHEMA_VERSION = 1;

const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const PolicySchema = z.strictObject({
  max_parallel: z.number().int().min(1),
  fail_fast: z.boolean(),
  retries: z.number().int().min(0),
  infra_retries: z.number().int().min(0),
  timeout: z.string(),
  task_timeout: z.string(),
  heartbeat: z.string(),
  stall_action: z.enum(STALL_ACTIONS),
  backoff: z.string(),
  backoff_max: z.string(),
});
const ResourcesSchema = z.record(z.string(), Scalar);

export const FrozenEntrySchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  kind: z.enum(['run', 'task']),
  command: z.array(z.string()).min(1),
  params: z.record(z.string(), z.string()),
  policy: PolicySchema.partial().optional(),
  resources: ResourcesSchema.optional(),
});
export type FrozenEntry = z.infer<typeof FrozenEntrySchema>;

export const FrozenManifestSchema = z.strictObject({
  schema: z.literal(FROZEN_SCHEMA_VERSION),
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
  executor: z.enum(EXECUTORS),
  cluster: z.string().optional(),
  host: z.string().optional(),
  type: z.enum(RUN_TYPES),
  objective: z.string().optional(),
  resources: ResourcesSchema,
  policy: PolicySchema,
  artifacts: z.array(z.string()),
  checkpoints: z.string(),
  key_metric: z.string().optional(),
  wandb: z.strictObject({ strict: z.boolean() }),
  entries: z.array(FrozenEntrySchema).min(1),
});
export type FrozenManifest = z.infer<typeof FrozenManifestSchema>;

export interface Frozen {
  manifest: FrozenManifest;
  /** The bytes of manifest.yaml. */
  text: string;
  sha256: string;
  id: string;
}

const clean = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/** The frozen form of a validated manifest and its entries; `scrub` cleans every command word. */
export function freezeManifest(
  m: Manifest,
  entries: Entry[],
  scrubWords: (argv: string[]) => string[],
  scrubText: (t: string) => string,
): Frozen {
  const manifest: FrozenManifest = clean({
    schema: FROZEN_SCHEMA_VERSION,
    name: m.name,
    executor: m.executor,
    cluster: m.cluster,
    host: m.host,
    type: m.type,
    objective: m.objective === undefined ? undefined : scrubText(m.objective),
    resources: clean(m.resources) as Record<string, string | number | boolean>,
    policy: m.policy as FrozenPolicy,
    artifacts: m.artifacts,
    checkpoints: m.checkpoints,
    key_metric: m.key_metric,
    wandb: m.wandb,
    entries: entries.map((e) =>
      clean({
        name: e.name,
        kind: e.kind,
        command: scrubWords(e.argv),
        params: e.params,
        policy: e.policy && Object.keys(e.policy).length > 0 ? e.policy : undefined,
        resources:
          e.resources && Object.keys(e.resources).length > 0
            ? (clean(e.resources) as Record<string, string | number | boolean>)
            : undefined,
      }),
    ),
  });
  for (const e of manifest.entries) {
    for (const [k, v] of Object.entries(e.params)) {
      if (scrubText(v) !== v) {
        throw usageError(
          'CAMPAIGN_SECRET_PARAMETER',
          `parameter ${k} of entry ${e.name} looks like a secret`,
          'entry names and parameters are written into file names and commits; pass secrets through the environment, not the manifest',
        );
      }
    }
  }
  return sealFrozen(manifest);
}

export function sealFrozen(manifest: FrozenManifest): Frozen {
  const text = renderFrozen(manifest);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { manifest, text, sha256, id: `${manifest.name}-${sha256.slice(0, 8)}` };
}

const json = (v: unknown) => JSON.stringify(v);

function sortedEntries(o: Record<string, unknown>): [string, unknown][] {
  return Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object';
}

/** A flat list or mapping on one line, as JSON (a YAML flow collection), keys sorted. */
function flow(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(json).join(', ')}]`;
  return `{${sortedEntries(v as Record<string, unknown>)
    .map(([k, x]) => `${json(k)}: ${json(x)}`)
    .join(', ')}}`;
}

function isFlat(v: unknown): boolean {
  if (Array.isArray(v)) return v.every(isScalar);
  return v !== null && typeof v === 'object' && Object.values(v).every(isScalar);
}

function emit(o: Record<string, unknown>, indent: string, out: string[], topLevel: boolean): void {
  for (const [k, v] of sortedEntries(o)) {
    if (isScalar(v)) out.push(`${indent}${k}: ${json(v)}`);
    else if (isFlat(v) && !(topLevel && !Array.isArray(v) && Object.keys(v as object).length > 0))
      out.push(`${indent}${k}: ${flow(v)}`);
    else if (Array.isArray(v)) {
      out.push(`${indent}${k}:`);
      for (const item of v) {
        const lines: string[] = [];
        emit(item as Record<string, unknown>, `${indent}    `, lines, false);
        out.push(`${indent}  - ${lines[0]!.trimStart()}`, ...lines.slice(1));
      }
    } else {
      out.push(`${indent}${k}:`);
      emit(v as Record<string, unknown>, `${indent}  `, out, false);
    }
  }
}

export function renderFrozen(m: FrozenManifest): string {
  const out: string[] = [];
  emit(m as unknown as Record<string, unknown>, '', out, true);
  return `${out.join('\n')}\n`;
}

/**
 * Read a campaign's manifest.yaml back. It must be exactly what runlog
 * wrote for this id: a hand-edited frozen manifest would make status and
 * fetch answer for a campaign that was never launched.
 */
export function parseFrozen(text: string, id: string, path: string): Frozen {
  let data: unknown;
  try {
    data = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch (err) {
    throw failed(
      'CAMPAIGN_MANIFEST_CHANGED',
      `${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`,
      'restore it from git (`git checkout -- <path>`); the frozen manifest is never edited',
    );
  }
  const parsed = FrozenManifestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw failed(
      'CAMPAIGN_MANIFEST_CHANGED',
      `${path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      'restore it from git (`git checkout -- <path>`); the frozen manifest is never edited',
    );
  }
  const frozen = sealFrozen(parsed.data);
  if (frozen.text !== text || frozen.id !== id) {
    throw failed(
      'CAMPAIGN_MANIFEST_CHANGED',
      `${path} does not hash to the campaign id ${id} (it hashes to ${frozen.id}): it was edited after launch`,
      'restore it from git (`git log -- <path>`); to run a changed manifest, launch it as a new campaign',
    );
  }
  return frozen;
}
