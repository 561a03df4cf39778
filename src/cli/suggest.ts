/**
 * "Did you mean …" for a mistyped command or flag. Optimal string alignment
 * distance (edits plus adjacent swaps) over a few dozen names: it runs only
 * on the error path, and twenty lines beat a dependency for it.
 */

function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The names close enough to `typed` to be what was meant, closest first: a
 * prefix of one name, or within a third of the typed length in edits.
 */
export function closest(typed: string, names: readonly string[], max = 3): string[] {
  const t = typed.toLowerCase();
  if (t === '') return [];
  const limit = Math.max(1, Math.floor(t.length / 3));
  return names
    .map((name) => ({
      name,
      d: name.toLowerCase().startsWith(t) && t.length >= 2 ? 0.5 : distance(t, name.toLowerCase()),
    }))
    .filter((c) => c.d <= limit)
    .sort((x, y) => x.d - y.d || x.name.localeCompare(y.name))
    .slice(0, max)
    .map((c) => c.name);
}

/** ` Did you mean "x"?` / ` Did you mean "x" or "y"?`, or '' when nothing is close. */
export function didYouMean(typed: string, names: readonly string[]): string {
  const c = closest(typed, names);
  if (c.length === 0) return '';
  const quoted = c.map((n) => `"${n}"`);
  return ` Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}
