/**
 * Exponential backoff with jitter for retry N (1-based): base·2^(N-1),
 * capped, then scaled into [50%, 100%] so retries of many runs that failed
 * together (a network blip) spread out instead of colliding again.
 */
export function backoffMs(retry: number, baseMs: number, maxMs: number, random: number = Math.random()): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(full * (0.5 + 0.5 * r));
}
