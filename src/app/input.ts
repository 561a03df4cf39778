/** Command-line values that need more than a flag type: metrics, settings, counts. Malformed → usage error. */
import { usageError } from '../core/errors.js';

const KEY = /^[A-Za-z_][\w./-]{0,63}$/;

export function parseMetrics(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf('=');
    const key = eq === -1 ? '' : v.slice(0, eq).trim();
    const raw = eq === -1 ? '' : v.slice(eq + 1).trim();
    const num = /^(nan|inf|-inf)$/i.test(raw)
      ? raw.toLowerCase() === 'nan'
        ? Number.NaN
        : raw.startsWith('-')
          ? -Infinity
          : Infinity
      : raw === ''
        ? Number.NaN
        : Number(raw);
    if (!KEY.test(key) || (Number.isNaN(num) && !/^nan$/i.test(raw))) {
      throw usageError(
        'BAD_METRIC',
        `--metric ${JSON.stringify(v)} is not key=number`,
        'use e.g. --metric train_loss=0.085 (key: letters, digits, _ . / -; value: a number, nan or inf)',
      );
    }
    out[key] = num;
  }
  return out;
}

export function parseSettings(values: string[] | undefined): string[] {
  return (values ?? []).map((v) => {
    if (!/^[^=\s][^=]*=.*/.test(v))
      throw usageError('BAD_SETTING', `--setting ${JSON.stringify(v)} is not key=value`, 'use e.g. --setting lr=3e-4');
    return v;
  });
}

export function nonNegativeInt(value: number | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0)
    throw usageError('BAD_FLAG', `${flag} must be a whole number >= 0`, `e.g. ${flag} 1000`);
  return value;
}
