/**
 * The manifest a user writes, validated. Unknown keys are errors (a typo
 * such as `max_paralel` must not silently fall back to a default), and every
 * error names the key and its line. Parameters are the free-form keys of a
 * `runs:` entry and the keys of `grid:`; their values are single values.
 */
import { z } from 'zod';
import type { ErrorCode } from '../core/errors.js';
import { manifestError } from './errors.js';
import {
  DEFAULT_POLICY,
  ENTRY_POLICY_KEYS,
  NONE_ALLOWED,
  STALL_ACTIONS,
  type EntryPolicy,
  type FrozenPolicy,
} from './policy.js';
import type { KeyPath, ManifestSource } from './source.js';

export const EXECUTORS = ['local', 'slurm', 'ssh'] as const;
export const RUN_TYPES = ['experiment', 'replication', 'pipeline'] as const;
export const ENTRY_KINDS = ['run', 'task'] as const;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d)?$|^\d+:\d{2}(?::\d{2})?$/i;

/** A clock: `72h`, `90s`, seconds as a number, or `none` where a limit may be lifted. */
const duration = (key: string) =>
  z.union([z.string(), z.number()]).transform((v, ctx) => {
    const text = typeof v === 'number' ? `${v}s` : v.trim();
    if (text === 'none') {
      if (NONE_ALLOWED.has(key)) return 'none';
      ctx.addIssue({ code: 'custom', message: `${key} cannot be none: every run needs a ${key}` });
      return z.NEVER;
    }
    if (text.startsWith('-')) {
      ctx.addIssue({ code: 'custom', message: `${key} ${JSON.stringify(v)} is negative` });
      return z.NEVER;
    }
    if (!DURATION.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: `${key} ${JSON.stringify(v)} is not a duration (use e.g. 30m, 72h, 1:30:00${NONE_ALLOWED.has(key) ? ', or none' : ''})`,
      });
      return z.NEVER;
    }
    if (/^0+(\.0+)?\s*[a-z]*$/i.test(text) || /^0+:00(:00)?$/.test(text)) {
      ctx.addIssue({
        code: 'custom',
        message: `${key} is zero${NONE_ALLOWED.has(key) ? '; a run without a limit needs `none` written out' : ''}`,
      });
      return z.NEVER;
    }
    return text;
  });

const count = (key: string, min: number) =>
  z
    .number({ message: `${key} must be a whole number` })
    .int(`${key} must be a whole number`)
    .min(min, `${key} must be at least ${min}`)
    .max(100_000, `${key} is larger than 100000`);

const PolicyShape = {
  max_parallel: count('max_parallel', 1),
  fail_fast: z.boolean({ message: 'fail_fast must be true or false' }),
  retries: count('retries', 0),
  infra_retries: count('infra_retries', 0),
  timeout: duration('timeout'),
  task_timeout: duration('task_timeout'),
  heartbeat: duration('heartbeat'),
  stall_action: z.enum(STALL_ACTIONS, { message: `stall_action must be one of ${STALL_ACTIONS.join(', ')}` }),
  backoff: duration('backoff'),
  backoff_max: duration('backoff_max'),
};

const PolicySchema = z.strictObject(PolicyShape).partial();
const EntryPolicySchema = z
  .strictObject(
    Object.fromEntries(ENTRY_POLICY_KEYS.map((k) => [k, PolicyShape[k]])) as Pick<
      typeof PolicyShape,
      (typeof ENTRY_POLICY_KEYS)[number]
    >,
  )
  .partial();

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const slug = (what: string) =>
  z
    .string({ message: `${what} must be text` })
    .regex(SLUG, `${what} must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`);

const ResourcesSchema = z
  .strictObject({
    gpus: count('gpus', 0),
    cpus: count('cpus', 1),
    mem: z.union([z.string(), z.number()]).transform((v) => String(v)),
    time: duration('time'),
    partition: z.string(),
    gres: z.string(),
    account: z.string(),
    qos: z.string(),
    constraint: z.string(),
    requeue: z.boolean(),
  })
  .partial();
export type ManifestResources = z.infer<typeof ResourcesSchema>;

const Command = z.union([
  z.string().min(1, 'command is empty'),
  z.array(z.string({ message: 'every word of a command list must be text' })).min(1, 'command is empty'),
]);

/** Relative paths under a run's output directory: never absolute, never `..`. */
const RelPath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..') && !p.includes('\0'),
    'must be a path inside the run output directory (relative, no `..`)',
  );

const TopSchema = z.strictObject({
  name: slug('name'),
  command: Command.optional(),
  grid: z.record(z.string(), z.array(z.unknown(), { message: 'a grid parameter is a list of values' })).optional(),
  runs: z.array(z.record(z.string(), z.unknown())).optional(),
  executor: z.enum(EXECUTORS, { message: `executor must be one of ${EXECUTORS.join(', ')}` }).optional(),
  cluster: z.string().optional(),
  host: z.string().optional(),
  type: z.enum(RUN_TYPES, { message: `type must be one of ${RUN_TYPES.join(', ')}` }).optional(),
  objective: z.string().optional(),
  resources: ResourcesSchema.optional(),
  policy: PolicySchema.optional(),
  artifacts: z.array(RelPath).optional(),
  checkpoints: RelPath.optional(),
  key_metric: z.string().optional(),
  wandb: z
    .strictObject({ strict: z.boolean({ message: 'wandb.strict must be true or false' }) })
    .partial()
    .optional(),
});

/** Keys of a `runs:` entry that are not parameters. */
const ENTRY_KEYS = new Set(['name', 'command', 'kind', 'policy', 'resources', ...ENTRY_POLICY_KEYS]);

export interface RunSpec {
  name?: string;
  command?: string | string[];
  kind: 'run' | 'task';
  policy?: EntryPolicy;
  resources?: ManifestResources;
  params: Record<string, string>;
  /** Position in `runs:` (for error lines). */
  index: number;
}

export interface Manifest {
  name: string;
  command?: string | string[];
  grid: [string, string[]][];
  runs: RunSpec[];
  executor: (typeof EXECUTORS)[number];
  cluster?: string;
  host?: string;
  type: (typeof RUN_TYPES)[number];
  objective?: string;
  resources: ManifestResources;
  policy: FrozenPolicy;
  artifacts: string[];
  checkpoints: string;
  key_metric?: string;
  wandb: { strict: boolean };
}

function fail(
  src: ManifestSource,
  path: KeyPath,
  message: string,
  code: ErrorCode = 'CAMPAIGN_MANIFEST_INVALID',
): never {
  const key = path.join('.');
  throw manifestError(code, src.file, src.lineOf(path), key ? `${key}: ${message}` : message, hintFor(code), {
    key: key || null,
  });
}

function hintFor(code: ErrorCode): string {
  switch (code) {
    case 'CAMPAIGN_UNKNOWN_KEY':
      return 'a manifest knows name, command, grid, runs, executor, cluster, host, type, objective, resources, policy, artifacts, checkpoints, key_metric and wandb; fix the spelling or remove the key';
    default:
      return 'fix the manifest and launch again; nothing was written';
  }
}

function zodFail(src: ManifestSource, base: KeyPath, error: z.ZodError): never {
  const issue = error.issues[0]!;
  const path = [...base, ...(issue.path as (string | number)[])];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0]!;
    fail(src, [...path, key], 'unknown key', 'CAMPAIGN_UNKNOWN_KEY');
  }
  fail(src, path, issue.message.replace(/^Invalid input: /, ''));
}

/** A parameter value: one scalar, kept as text. */
function paramValue(src: ManifestSource, path: KeyPath, v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) fail(src, path, 'a parameter needs a value (it is empty)');
  fail(src, path, 'a parameter value must be a single value, not a list or a mapping');
}

export function validateManifest(src: ManifestSource, opts: { name?: string } = {}): Manifest {
  const data = src.data;
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      src.file,
      1,
      'a manifest is a mapping (name, command, grid, ...) or a CSV table',
      'see `runlog campaign launch --help` for the manifest format',
    );
  }
  const raw = { ...(data as Record<string, unknown>) };
  if (opts.name !== undefined) raw['name'] = opts.name;
  if (raw['name'] === undefined) fail(src, ['name'], 'a campaign needs a name (or pass --name)');
  const parsed = TopSchema.safeParse(raw);
  if (!parsed.success) zodFail(src, [], parsed.error);
  const top = parsed.data;

  const grid: [string, string[]][] = Object.entries(top.grid ?? {}).map(([k, values]) => {
    if (!SLUG.test(k)) fail(src, ['grid', k], 'a parameter name must be letters, digits, `.`, `_` or `-`');
    if (values.length === 0)
      fail(src, ['grid', k], 'the grid parameter has no values: the grid would be empty', 'CAMPAIGN_EMPTY');
    return [k, values.map((v, i) => paramValue(src, ['grid', k, i], v))];
  });

  const runs: RunSpec[] = (top.runs ?? []).map((entry, index) => {
    const path: KeyPath = ['runs', index];
    const spec: RunSpec = { kind: 'run', params: {}, index };
    const policy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'name') {
        const r = slug('name').safeParse(typeof v === 'number' ? String(v) : v);
        if (!r.success) zodFail(src, [...path, 'name'], r.error);
        spec.name = r.data;
      } else if (k === 'command') {
        const r = Command.safeParse(v);
        if (!r.success) zodFail(src, [...path, 'command'], r.error);
        spec.command = r.data;
      } else if (k === 'kind') {
        const r = z.enum(ENTRY_KINDS, { message: `kind must be one of ${ENTRY_KINDS.join(', ')}` }).safeParse(v);
        if (!r.success) zodFail(src, [...path, 'kind'], r.error);
        spec.kind = r.data;
      } else if (k === 'resources') {
        const r = ResourcesSchema.safeParse(v);
        if (!r.success) zodFail(src, [...path, 'resources'], r.error);
        spec.resources = r.data;
      } else if (k === 'policy') {
        if (v === null || typeof v !== 'object' || Array.isArray(v))
          fail(src, [...path, 'policy'], 'policy must be a mapping');
        Object.assign(policy, v);
      } else if (ENTRY_KEYS.has(k)) {
        policy[k] = v;
      } else {
        if (!SLUG.test(k)) fail(src, [...path, k], 'a parameter name must be letters, digits, `.`, `_` or `-`');
        spec.params[k] = paramValue(src, [...path, k], v);
      }
    }
    if (Object.keys(policy).length > 0) {
      const r = EntryPolicySchema.safeParse(policy);
      if (!r.success) zodFail(src, [...path, 'policy'], r.error);
      spec.policy = r.data;
    }
    return spec;
  });

  if (grid.length === 0 && runs.length === 0)
    fail(
      src,
      top.grid ? ['grid'] : [],
      `the manifest has ${top.grid ? 'an empty grid' : 'no grid'} and no runs: it would launch nothing`,
      'CAMPAIGN_EMPTY',
    );

  // Placement across hosts happens per submit; a campaign pins its entries to one host.
  if (top.executor === 'ssh' && !top.host)
    fail(src, ['executor'], 'an ssh campaign needs `host:` (a hosts: profile or an ssh destination)');
  if (top.executor === 'slurm' && top.host)
    fail(src, ['host'], '`host:` is for the ssh executor; a Slurm campaign names its profile with `cluster:`');
  const policy: FrozenPolicy = { ...DEFAULT_POLICY, ...(top.policy as Partial<FrozenPolicy> | undefined) };
  return {
    name: top.name,
    command: top.command,
    grid,
    runs,
    executor: top.executor ?? 'local',
    cluster: top.cluster,
    host: top.host,
    type: top.type ?? 'experiment',
    objective: top.objective,
    resources: top.resources ?? {},
    policy,
    artifacts: top.artifacts ?? [],
    checkpoints: top.checkpoints ?? 'checkpoints',
    key_metric: top.key_metric,
    wandb: { strict: top.wandb?.strict ?? false },
  };
}

export { fail as manifestFail };
