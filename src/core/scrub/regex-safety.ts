/**
 * Refuses user scrub patterns whose matching can take exponential time:
 * JavaScript's engine backtracks, a pattern like `(a+)+$` or `(a|ab)*c`
 * needs ~2^n steps on `aaaa…!`, and the scrubber runs under the ledger lock,
 * so one such rule in runlog.config.yaml would hang every write (measured:
 * `(a+)+$` on 30 characters, 1.5 s; on 40, minutes).
 *
 * The rule: a repeated group (`*`, `+`, `{n,}` or more than 16 times) may
 * not contain another repetition of something non-empty, alternatives, or a
 * back-reference. That is stricter than needed (a group of disjoint
 * alternatives is safe), cheap, and patterns for token shapes never need it:
 * `(?:ab)+` becomes `[ab]+`, `(x|y)+` becomes `[xy]+`.
 *
 * A hand-rolled scan rather than a regex parser library: it runs when the
 * config is read, which is on every append's path.
 */

interface Scan {
  /** Where the first dangerous shape starts, or -1. */
  at: number;
}

const REPEAT_LIMIT = 16;

/** The quantifier at `i` (if any): its length and whether it repeats. */
function quantifier(src: string, i: number): { len: number; repeats: boolean } | null {
  const c = src[i];
  if (c === '*' || c === '+') return { len: src[i + 1] === '?' ? 2 : 1, repeats: true };
  if (c === '?') return { len: src[i + 1] === '?' ? 2 : 1, repeats: false };
  if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}\??/.exec(src.slice(i));
    if (!m) return null;
    const max = m[2] === undefined ? Number(m[1]) : m[3] === '' ? Infinity : Number(m[3]);
    return { len: m[0].length, repeats: max > REPEAT_LIMIT };
  }
  return null;
}

interface Group {
  start: number;
  /** Holds a repetition, an alternation or a back-reference somewhere inside. */
  risky: boolean;
}

/** Returns the index of the first repeated group holding a repetition, alternatives or a back-reference; -1 when there is none. */
export function catastrophicAt(src: string): number {
  const scan: Scan = { at: -1 };
  const stack: Group[] = [{ start: 0, risky: false }];
  let i = 0;
  const markInner = () => {
    stack[stack.length - 1]!.risky = true;
  };
  while (i < src.length && scan.at === -1) {
    const c = src[i]!;
    let atomEnd = i + 1;
    let closed: Group | null = null;
    if (c === '\\') {
      atomEnd = i + 2;
      if (/[1-9k]/.test(src[i + 1] ?? '')) markInner();
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      atomEnd = j + 1;
    } else if (c === '(') {
      stack.push({ start: i, risky: false });
      i +=
        src[i + 1] === '?'
          ? /^\(\?<[=!]/.test(src.slice(i))
            ? 4
            : /^\(\?<[A-Za-z]/.test(src.slice(i))
              ? src.indexOf('>', i) + 1 - i
              : 3
          : 1;
      continue;
    } else if (c === ')') {
      closed = stack.length > 1 ? stack.pop()! : null;
    } else if (c === '|') {
      markInner();
      i++;
      continue;
    }
    const q = quantifier(src, atomEnd);
    if (q?.repeats) {
      if (closed?.risky) scan.at = closed.start;
      markInner();
    } else if (closed?.risky) {
      // A group that is not repeated passes its inner risk to whatever repeats around it.
      markInner();
    }
    i = atomEnd + (q?.len ?? 0);
  }
  return scan.at;
}
