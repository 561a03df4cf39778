import { usageError } from './errors.js';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${n % 10 > 3 ? 'th' : suffix}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `2026-03-11 15:00 UTC`: the status-entry stamp (always UTC, explicit). */
export function statusStamp(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;
}

/** `Wednesday, Feb 25th, 2026`: the human date written next to every ISO stamp, for people skimming a log. */
export function humanDate(d: Date): string {
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${ordinal(d.getUTCDate())}, ${d.getUTCFullYear()}`;
}

/** `Wednesday, Feb 25th`: the timeline form (the year is in the file name). */
export function timelineDate(d: Date): string {
  return `${WEEKDAYS[d.getUTCDay()]}, ${MONTHS[d.getUTCMonth()]} ${ordinal(d.getUTCDate())}`;
}

/** ISO-8601 to the second, UTC, `Z`. */
export function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function dateOnly(d: Date): string {
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `HH:MM:SS` (hours may exceed 24). */
export function runtime(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?$/;

/** Parse a user-given ISO-8601 time; no zone means UTC. */
export function parseIsoFlag(value: string, flag: string): Date {
  const v = value.trim();
  if (!ISO_RE.test(v)) {
    throw usageError(
      'BAD_TIME',
      `${flag} ${JSON.stringify(value)} is not an ISO-8601 time`,
      `use e.g. ${flag} 2026-03-11T15:00:00Z`,
    );
  }
  let norm = v.replace(' UTC', 'Z').replace('UTC', 'Z').replace(' ', 'T');
  if (/^\d{4}-\d{2}-\d{2}$/.test(norm)) norm += 'T00:00:00Z';
  else if (!/(Z|[+-]\d{2}:?\d{2})$/.test(norm)) norm += 'Z';
  const d = new Date(norm);
  // JavaScript rolls 2026-02-30 over to March 2nd; a date that does not exist is an error.
  const [y, mo, da] = v.slice(0, 10).split('-').map(Number) as [number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, da));
  if (
    Number.isNaN(d.getTime()) ||
    check.getUTCFullYear() !== y ||
    check.getUTCMonth() + 1 !== mo ||
    check.getUTCDate() !== da
  ) {
    throw usageError(
      'BAD_TIME',
      `${flag} ${JSON.stringify(value)} is not a valid date`,
      `use e.g. ${flag} 2026-03-11T15:00:00Z`,
    );
  }
  return d;
}

export function parseDateFlag(value: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(new Date(`${value}T00:00:00Z`).getTime())) {
    throw usageError('BAD_DATE', `${flag} ${JSON.stringify(value)} is not a date`, `use ${flag} YYYY-MM-DD`);
  }
  return value;
}

const DURATION_RE = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr|d)?$/i;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  d: 86_400_000,
};

/** A duration as people write it and `parseDuration` reads back exactly: `72h`, `30m`, `90s`, `2500ms`. */
export function exactDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const)
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}

/** `90s`, `15m`, `72h`, `2d`, or `HH:MM:SS`; a bare number is seconds. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim();
  const hms = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (hms) {
    const [h, m, s] =
      hms[3] === undefined ? [0, Number(hms[1]), Number(hms[2])] : [Number(hms[1]), Number(hms[2]), Number(hms[3])];
    return ((h * 60 + m) * 60 + s) * 1000;
  }
  const m = DURATION_RE.exec(v);
  if (!m) {
    throw usageError(
      'BAD_DURATION',
      `${flag} ${JSON.stringify(value)} is not a duration`,
      `use e.g. ${flag} 30m, 72h or 1:30:00`,
    );
  }
  return Math.round(Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]!);
}
