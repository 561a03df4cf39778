import type { Finding } from './types.js';

export interface ConfigDriftInput {
  /** Config of the prior launched instance; nested objects are flattened to dotted keys. */
  previous: Record<string, unknown>;
  current: Record<string, unknown>;
  /** Keys expected to differ between instances (exact dotted key or prefix ending in `.`). */
  ignore?: readonly string[];
}

export interface ConfigChange {
  key: string;
  before: unknown;
  after: unknown;
  /** A key that changes the training trajectory (batch size, steps, optimizer, ...). */
  critical: boolean;
}

/**
 * Keys whose change makes a relaunch a different run: batch size, max steps,
 * optimizer, checkpoint interval, seed, mesh / parallelism, precision, data
 * config, code flags. Matched against each dotted segment of a key.
 */
export const CRITICAL_CONFIG_KEYS: readonly RegExp[] = [
  /batch[_-]?size|^bs$|gradient[_-]accumulation/i,
  /^(?:max|num|total)[_-]?(?:train[_-]?)?(?:steps|iters|iterations|epochs)$|^train[_-]?steps$/i,
  /^optim(?:izer)?$|^(?:lr|learning[_-]rate|weight[_-]decay|beta[12s]?|eps|warmup[_-]?\w*|scheduler|lr[_-]schedule)$/i,
  /^(?:checkpoint|ckpt|save)[_-]?(?:interval|every|steps|freq(?:uency)?)$|^save[_-]steps$/i,
  /^(?:seed|random[_-]seed|data[_-]seed)$/i,
  /^(?:mesh|tp|dp|pp|fsdp|zero[_-]?stage|tensor[_-]parallel\w*|pipeline[_-]parallel\w*|data[_-]parallel\w*|num[_-]nodes|nodes|devices|world[_-]size)$/i,
  /^(?:precision|dtype|mp|mixed[_-]precision|bf16|fp16|amp|compute[_-]dtype|param[_-]dtype)$/i,
  /^(?:data|dataset|datasets|data[_-]config|train[_-]data|tokenizer|seq[_-]?len(?:gth)?|max[_-]seq[_-]len(?:gth)?)$/i,
  /^(?:flags|code[_-]flags|features?)$/i,
];

export function flattenConfig(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date))
      Object.assign(out, flattenConfig(v as Record<string, unknown>, path));
    else out[path] = v;
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? '(unset)' : typeof v === 'string' ? v : JSON.stringify(v));
const same = (a: unknown, b: unknown): boolean => show(a) === show(b) && typeof a === typeof b;

export function isCriticalKey(key: string): boolean {
  return key.split('.').some((segment) => CRITICAL_CONFIG_KEYS.some((re) => re.test(segment)));
}

/** Every key whose value differs between the prior instance and this one. */
export function diffConfigs(input: ConfigDriftInput): ConfigChange[] {
  const before = flattenConfig(input.previous);
  const after = flattenConfig(input.current);
  const ignored = (key: string) =>
    (input.ignore ?? []).some((i) => key === i || (i.endsWith('.') && key.startsWith(i)));
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return keys
    .filter((key) => !ignored(key) && !same(before[key], after[key]))
    .map((key) => ({ key, before: before[key], after: after[key], critical: isCriticalKey(key) }));
}

/**
 * Config drift on relaunch: any changed key is reported; a change to a
 * critical key is an alert, because it silently makes this a different run.
 */
export function detectConfigDrift(input: ConfigDriftInput): Finding[] {
  const changes = diffConfigs(input);
  if (changes.length === 0) return [];
  const critical = changes.filter((c) => c.critical);
  return [
    {
      detector: 'config_drift',
      severity: critical.length ? 'alert' : 'warn',
      kind: 'run_unhealthy',
      message: critical.length
        ? `The relaunch changes ${critical.map((c) => c.key).join(', ')} from the prior instance`
        : `The relaunch changes ${changes.length} config key${changes.length === 1 ? '' : 's'} from the prior instance`,
      evidence: changes.map((c) => `${c.key}: ${show(c.before)} → ${show(c.after)}`).join('; '),
      next: critical.length
        ? 'Block the relaunch until the DRI confirms the change; an intended change to training settings is a new run (new W&B id, initialize_from).'
        : 'Confirm the changes are intended and record them in the Job block before relaunching.',
    },
  ];
}
