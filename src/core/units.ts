/** Sizes people write on command lines and in config, in the unit the code uses. */
import { usageError } from './errors.js';

/** `16G`, `512M`, `2048` (MiB), `1T` → MiB. */
export function parseMemMb(value: string, flag = '--mem'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT])?i?B?$/i.exec(value.trim());
  if (!m)
    throw usageError(
      'BAD_SIZE',
      `${flag} ${JSON.stringify(value)} is not a memory size`,
      `use e.g. ${flag} 16G or ${flag} 512M`,
    );
  const factor: Record<string, number> = { K: 1 / 1024, M: 1, G: 1024, T: 1024 * 1024 };
  return Math.ceil(Number(m[1]) * factor[(m[2] ?? 'M').toUpperCase()]!);
}
