/**
 * Reading what the worker scripts (./remote.ts) print: `key=value` lines,
 * and the poll's stream, where a `chunk=<offset> <length>` line is followed
 * by exactly that many raw log bytes and a newline. The bytes are framed by
 * length, never by a marker, so a log may hold any bytes at all.
 */

export type Fields = Record<string, string>;

/** `key=value` lines; later keys win; lines without `=` are ignored. */
export function parseFields(text: string): Fields {
  const out: Fields = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface RunReport {
  fields: Fields;
  /** New log bytes, from `offset` on. */
  chunk?: { offset: number; bytes: Buffer };
}

export interface PollReport {
  /** The worker's clock, epoch seconds, read in the same call. */
  now: number;
  bootId: string;
  runs: RunReport[];
  /** The stream ended with `@end`: every run was reported. */
  complete: boolean;
}

export function parsePollOutput(out: Buffer): PollReport {
  const report: PollReport = { now: Number.NaN, bootId: '', runs: [], complete: false };
  let pos = 0;
  let current: RunReport | undefined;
  while (pos < out.length) {
    const nl = out.indexOf(0x0a, pos);
    const line = out.toString('utf8', pos, nl === -1 ? out.length : nl);
    pos = nl === -1 ? out.length : nl + 1;
    if (line === '@end') {
      report.complete = true;
      break;
    }
    if (line.startsWith('@run ')) {
      // A run may have two sections (its files, then its log): the index joins them.
      const n = Number(line.slice(5));
      if (!Number.isSafeInteger(n) || n < 0 || n > report.runs.length) break;
      current = report.runs[n] ??= { fields: {} };
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (current === undefined) {
      if (key === 'now') report.now = Number(value);
      else if (key === 'boot_id') report.bootId = value;
      continue;
    }
    if (key === 'chunk') {
      const [offset, length] = value.split(' ').map(Number);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || length! < 0 || pos + length! > out.length)
        break;
      current.chunk = { offset: offset!, bytes: out.subarray(pos, pos + length!) };
      // The bytes, then the newline the script adds after them.
      pos += length! + 1;
      continue;
    }
    current.fields[key] = value;
  }
  return report;
}

const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  13: 'SIGPIPE',
  15: 'SIGTERM',
};

/** A shell's exit status above 128 is a death by signal 128+n. */
export function signalOfStatus(code: number): string | undefined {
  if (code <= 128 || code > 128 + 64) return undefined;
  return SIGNAL_NAMES[code - 128] ?? `SIG${code - 128}`;
}
