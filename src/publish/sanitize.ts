/**
 * The publish sanitizer: what people strip by hand from a public
 * TRAINING_LOG, as named rules.
 * Secrets go through the one scrubber; cluster facts (job ids, node names,
 * scratch paths, user names, local W&B dirs, wandb_id.txt) through the rules
 * below, the ledger's own `publish.sanitize` rules, and literals read from
 * the run log itself (the job ids and nodes its Job blocks name).
 * Reports say which rule removed how much, never the value.
 */
import { z } from 'zod';
import { usageError } from '../core/errors.js';
import { escapeRegExp } from '../core/text.js';
import { compileRules, scrubWithReport, type ScrubRule } from '../core/scrub/scrub.js';

export interface SanitizeRule {
  id: string;
  pattern: RegExp;
  /** Values this rule leaves alone (the config's allow-list). */
  allowed?: (value: string) => boolean;
  /** Replacement for the match (or for `group` within it); null drops the whole line. */
  replace: string | ((value: string) => string) | null;
  group?: number;
}

export interface Removal {
  rule: string;
  count: number;
}

export interface SanitizeResult {
  text: string;
  removed: Removal[];
}

export interface Leak {
  line: number;
  rule: string;
}

const PATH_CHARS = String.raw`[\w.@+%-]`;
const LOCAL_WANDB = String.raw`(?:[\w.~/-]*/)?wandb/(?:offline-)?run-\d{8}_\d{6}-[\w-]+/?`;

/** Keep a file name (config, dataset, step) from a path; a bare directory name may be a user's. */
function keepBasename(match: string): string {
  const base = match.replace(/\/+$/, '').split('/').pop() ?? '';
  return /\.\w{1,10}$/.test(base) || /(?:^|[-_])(?:step|ckpt|checkpoint|iter)?[-_]?\d+$/i.test(base)
    ? `<path>/${base}`
    : '<path>';
}

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
/** 10/8, 172.16/12, 192.168/16 (RFC 1918), 100.64/10 (CGNAT), 169.254/16 (link-local), 127/8 (loopback). */
const PRIVATE_V4 = String.raw`(?:10|127)\.${OCTET}\.${OCTET}\.${OCTET}|172\.(?:1[6-9]|2\d|3[01])\.${OCTET}\.${OCTET}|192\.168\.${OCTET}\.${OCTET}|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.${OCTET}\.${OCTET}|169\.254\.${OCTET}\.${OCTET}`;

/**
 * Private infrastructure a public log must not map: internal DNS zones,
 * private, shared and link-local addresses, and private bucket URIs. Public
 * URLs (W&B run pages, the Hub) match none of these. A user who wants one
 * public lists it under `publish.sanitize.allow`.
 */
const PRIVATE_INFRASTRUCTURE: readonly SanitizeRule[] = [
  {
    id: 'private_bucket',
    pattern: /(?<![\w.+-])(?:gs|gcs|s3|s3a|s3n|az|abfss?|wasbs?|adl|hdfs|oci|r2|cos|oss|swift):\/\/[^\s`'"<>)\]]+/g,
    replace: '<bucket>',
  },
  {
    id: 'private_host',
    pattern:
      /(?<![\w.-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:internal|local|lan|corp|intranet|localdomain|home\.arpa)(?![\w-]|\.[A-Za-z0-9])/gi,
    replace: '<host>',
  },
  {
    id: 'private_ip',
    pattern: new RegExp(String.raw`(?<![\w.])(?:${PRIVATE_V4})(?![\w]|\.\d)`, 'g'),
    replace: '<private ip>',
  },
  {
    id: 'private_ip',
    pattern:
      /(?<![\w:])(?:f[cd][0-9a-f]{0,2}|fe[89ab][0-9a-f]?)(?::[0-9a-f]{0,4}){2,7}(?:%[\w.]+)?(?![\w:])|(?<![\w:])::1(?![\w:])/gi,
    replace: '<private ip>',
  },
];

export const DEFAULT_SANITIZE_RULES: readonly SanitizeRule[] = [
  { id: 'wandb_id_file', pattern: /wandb_id\.txt/i, replace: null },
  { id: 'wandb_local_dir', pattern: new RegExp(`\`?${LOCAL_WANDB}\`?`, 'g'), replace: '<local W&B dir>' },
  {
    id: 'slurm_job_id',
    pattern:
      /\b(?:slurm[_ -]?job[_ -]?id|array[_ -]?job[_ -]?id|job[_ -]?ids?|jobid|execution[_ -]?id|job|jobs|sbatch(?: job)?|submitted batch job)\b[\s:=#`'"]*((?:\d{3,}(?:_\d+)?)(?:[\s,/]+\d{3,}(?:_\d+)?)*)/gi,
    group: 1,
    replace: '<job id>',
  },
  { id: 'slurm_job_id', pattern: /\bslurm-(\d{3,}(?:_\d+)?)(?=\.(?:out|err|log)\b)/g, group: 1, replace: '<job id>' },
  { id: 'slurm_job_id', pattern: /\bSLURM_(?:ARRAY_)?JOB_ID[=:]\s*(\d+)/g, group: 1, replace: '<job id>' },
  { id: 'node_name', pattern: /\bnid(?:\d{3,}|\[[\d,\s-]+\])/g, replace: '<node>' },
  {
    id: 'node_name',
    pattern:
      /\b(?:node(?:list|name|s)?|host(?:name)?)\b[\s:=`]*((?=[\w-]*\d)[A-Za-z][\w-]*(?:\[[\d,-]+\])?(?:\.[\w-]+)*)/g,
    group: 1,
    replace: '<node>',
  },
  { id: 'user_at_host', pattern: /\b(?!git@)[A-Za-z_][\w.+-]*@[A-Za-z][\w-]*(?:\.[\w-]+)+\b/g, replace: '<user@host>' },
  {
    id: 'cluster_path',
    pattern: new RegExp(`(?<![\\w.:/~<>-])(?:~|/)(?:${PATH_CHARS}+/)+${PATH_CHARS}*`, 'g'),
    replace: keepBasename,
  },
  {
    id: 'user_in_path',
    pattern: /(?<![\w/])(?:home|users|Users|scratch)\/([A-Za-z_][\w.-]*)/g,
    group: 1,
    replace: '<user>',
  },
  ...PRIVATE_INFRASTRUCTURE,
];

const ConfigRule = z.object({
  id: z.string().regex(/^[a-z][a-z0-9_]*$/),
  pattern: z.string().min(1),
  flags: z
    .string()
    .regex(/^[imsuv]*$/)
    .optional(),
  replace: z.string().optional(),
  drop_line: z.boolean().optional(),
});
export const SanitizeConfigSchema = z
  .object({
    rules: z.array(ConfigRule).default([]),
    /** Default rule ids to switch off. */
    disable: z.array(z.string()).default([]),
    /** What may stay public although a rule matches it: exact values, or a prefix ending in `*` (`gs://public-bucket/*`). */
    allow: z.array(z.string().min(1)).default([]),
  })
  .default({ rules: [], disable: [], allow: [] });
export type SanitizeConfig = z.infer<typeof SanitizeConfigSchema>;

/** `publish.sanitize` from runlog.config.yaml. */
export function readSanitizeConfig(config: Record<string, unknown>): SanitizeConfig {
  const publish = (config['publish'] ?? {}) as Record<string, unknown>;
  const parsed = SanitizeConfigSchema.safeParse(publish['sanitize']);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(
      'BAD_SANITIZE_RULE',
      `runlog.config.yaml: publish.sanitize.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      'each rule is {id: lower_snake, pattern: regex, flags?: imsuv, replace?: text, drop_line?: true}',
    );
  }
  return parsed.data;
}

export interface Literals {
  jobIds?: string[];
  nodes?: string[];
  users?: string[];
  /** Bare host and cluster names the ledger's config knows (SSH host profiles, Slurm clusters). */
  hosts?: string[];
}

export class Sanitizer {
  readonly rules: SanitizeRule[];
  private readonly scrubRules: ScrubRule[];

  constructor(config: SanitizeConfig, scrubRules: ScrubRule[] = [], literals: Literals = {}) {
    const own = config.rules.map((r) => {
      let pattern: RegExp;
      try {
        pattern = new RegExp(r.pattern, `${r.flags ?? ''}g`);
      } catch (err) {
        throw usageError(
          'BAD_SANITIZE_RULE',
          `publish.sanitize rule ${r.id}: ${(err as Error).message}`,
          'fix the regular expression (single-quote it in YAML)',
        );
      }
      if (pattern.test(''))
        throw usageError(
          'BAD_SANITIZE_RULE',
          `publish.sanitize rule ${r.id} matches the empty string`,
          'make the pattern require at least one character',
        );
      return { id: r.id, pattern, replace: r.drop_line ? null : (r.replace ?? `<${r.id}>`) };
    });
    const literal = (id: string, values: string[] | undefined, replace: string): SanitizeRule[] => {
      const vs = [...new Set((values ?? []).map((v) => v.trim()).filter((v) => v.length >= 3))];
      return vs.length === 0
        ? []
        : [{ id, pattern: new RegExp(`(?<![\\w-])(?:${vs.map(escapeRegExp).join('|')})(?![\\w-])`, 'g'), replace }];
    };
    this.rules = [
      ...own,
      ...DEFAULT_SANITIZE_RULES.filter((r) => !config.disable.includes(r.id)),
      ...literal('slurm_job_id', literals.jobIds, '<job id>'),
      ...literal('node_name', literals.nodes, '<node>'),
      ...literal('user_in_path', literals.users, '<user>'),
      ...literal('private_host', literals.hosts, '<host>'),
    ];
    this.scrubRules = scrubRules;
    const allowed = (v: string) => config.allow.some((a) => (a.endsWith('*') ? v.startsWith(a.slice(0, -1)) : v === a));
    if (config.allow.length > 0) this.rules = this.rules.map((r) => ({ ...r, allowed }));
  }

  sanitize(text: string): SanitizeResult {
    const counts = new Map<string, number>();
    const add = (rule: string, n: number) => n > 0 && counts.set(rule, (counts.get(rule) ?? 0) + n);
    const secrets = scrubWithReport(text, this.scrubRules);
    for (const f of secrets.findings) add(`secret_${f.kind}`, f.count);
    const lines = secrets.text.split('\n');
    const kept: string[] = [];
    for (const line of lines) {
      let current = line;
      let dropped = false;
      for (const rule of this.rules) {
        if (rule.replace === null) {
          rule.pattern.lastIndex = 0;
          if (rule.pattern.test(current)) {
            add(rule.id, 1);
            dropped = true;
            break;
          }
          continue;
        }
        const r = applyRule(current, rule);
        add(rule.id, r.count);
        current = r.text;
      }
      if (!dropped) kept.push(current);
    }
    return { text: kept.join('\n'), removed: [...counts].map(([rule, count]) => ({ rule, count })) };
  }

  /** Lines that a rule would change: a published file with any is a leak. */
  leaks(text: string): Leak[] {
    const out: Leak[] = [];
    text.split('\n').forEach((line, i) => {
      for (const r of this.sanitize(line).removed) out.push({ line: i + 1, rule: r.rule });
    });
    return out;
  }
}

function applyRule(text: string, rule: SanitizeRule): { text: string; count: number } {
  let count = 0;
  const flags = rule.pattern.flags.includes('g') ? rule.pattern.flags : `${rule.pattern.flags}g`;
  const re = new RegExp(rule.pattern.source, flags.includes('d') ? flags : `${flags}d`);
  let out = '';
  let cursor = 0;
  for (const m of text.matchAll(re)) {
    const at = rule.group ? m.indices?.[rule.group] : [m.index, m.index + m[0].length];
    if (!at || at[0] === at[1]) continue;
    const value = text.slice(at[0], at[1]);
    if (rule.allowed?.(value)) continue;
    const replacement = typeof rule.replace === 'function' ? rule.replace(value) : (rule.replace ?? '');
    if (value === replacement) continue;
    out += text.slice(cursor, at[0]) + replacement;
    cursor = at[1];
    count++;
  }
  return count === 0 ? { text, count } : { text: out + text.slice(cursor), count };
}

/**
 * Bare machine names the ledger's own config knows: SSH host profile names
 * and the hosts of their destinations, Slurm cluster profile names. Read
 * loosely (a profile the executor would refuse still names a machine).
 */
export function infrastructureNames(config: Record<string, unknown>): string[] {
  const names: string[] = [];
  const section = (key: string) =>
    config[key] && typeof config[key] === 'object' ? (config[key] as Record<string, unknown>) : {};
  for (const [name, profile] of Object.entries(section('hosts'))) {
    names.push(name);
    const dest = profile && typeof profile === 'object' ? (profile as Record<string, unknown>)['ssh'] : undefined;
    const host = typeof dest === 'string' ? /^(?:ssh:\/\/)?(?:[^@/]*@)?(\[[^\]]+\]|[^:/]+)/.exec(dest)?.[1] : undefined;
    if (host) names.push(host);
  }
  names.push(...Object.keys(section('clusters')));
  return names;
}

export function sanitizerFor(
  config: Record<string, unknown>,
  scrubConfig: { kind: string; pattern: string; flags?: string }[],
  literals: Literals = {},
): Sanitizer {
  return new Sanitizer(readSanitizeConfig(config), compileRules(scrubConfig), literals);
}
