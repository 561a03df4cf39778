import { usageError } from './errors.js';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Task and group names end up in paths and commit subjects: keep them boring. */
export function validateSlug(value: string, what: 'task' | 'group'): string {
  const segments = what === 'group' ? value.split('/') : [value];
  const ok = segments.length > 0 && segments.every((s) => SEGMENT.test(s) && !s.includes('..'));
  if (!ok) {
    throw usageError(
      'BAD_NAME',
      `${what} name ${JSON.stringify(value)} is not allowed`,
      `use letters, digits, '.', '_' and '-' only${what === 'group' ? " (nested groups separated by '/')" : ''}; no spaces, no '..'`,
    );
  }
  return value;
}
