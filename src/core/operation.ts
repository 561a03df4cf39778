/**
 * An operation is what a command means to do, as data: it is applied to the
 * files as they are *now*, and recorded in the commit so it can be applied
 * again on top of a remote that moved (never a text merge).
 */
import type { Scrubber } from './scrub/scrub.js';

export interface Operation {
  v: 1;
  kind: string;
  run?: string;
  args: Record<string, unknown>;
}

export interface Write {
  /** Relative to the ledger root, POSIX separators. */
  path: string;
  content: string;
}

export interface Applied<R = unknown> {
  writes: Write[];
  /** `<run id>: <what happened>`. */
  subject: string;
  result: R;
}

export const TRAILER = 'Runlog-Op';

/**
 * The trailer line. Operations reach here already scrubbed (ops/args.ts);
 * every string is passed through the scrubber once more as the last line of
 * defence, on the values, so a redaction can never break the JSON.
 */
export function encodeTrailer(op: Operation, scrubber: Scrubber): string {
  return `${TRAILER}: ${JSON.stringify(op, (_key, value: unknown) => (typeof value === 'string' ? scrubber.text(value) : value))}`;
}

export function decodeTrailer(message: string): Operation | null {
  const line = message
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(`${TRAILER}: `));
  if (!line) return null;
  try {
    const op = JSON.parse(line.slice(TRAILER.length + 2)) as Operation;
    return op && op.v === 1 && typeof op.kind === 'string' ? op : null;
  } catch {
    return null;
  }
}
