/**
 * Waiting: exponential backoff with jitter, and a sleep that a signal can cut
 * short. Every retry loop (push replay, GitHub calls, job retries) and every
 * poll interval uses these, so their timing rules live in one place.
 */

/**
 * The delay before retry N (1-based): base·2^(N-1), capped at `maxMs`, then
 * scaled by a random factor in [floor, 1] so many clients that failed
 * together (a network blip, a push race) spread out instead of colliding
 * again. `floor` 0.5 keeps a minimum wait; 0 is "full jitter", for loops
 * where waiting at all is the cost.
 */
export function backoffMs(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: number = Math.random(),
  floor = 0.5,
): number {
  const full = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(1, Math.max(0, random));
  return Math.round(full * (floor + (1 - floor) * r));
}

/** Resolve after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
