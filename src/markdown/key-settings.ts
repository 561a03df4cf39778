/**
 * The Config section's `key settings` line as a map. runlog writes
 * `lr=3e-4, batch=256` (from `--setting`); people write `lr 3e-4, batch 64,
 * 10k steps, bf16` or `lr=3e-4; bs=256`. Items split on `;` and on commas
 * that are not digit grouping (`batch 4,096` is one item). In an item without
 * `=` or `:`, the word that carries a digit is the value (`batch 64`,
 * `10k steps`); otherwise the first word is the key (`optimizer adamw`); a
 * single word is a switch that is on (`bf16`).
 */

/** `n/a`, `-`, `none`: a run with no key settings. */
const EMPTY = /^(?:n\/?a|none|-+|\u2014|\(none\))$/i;

const hasDigit = (w: string) => /\d/.test(w);

function unquote(s: string): string {
  const t = s.trim();
  const m = /^(`+)(.*)\1$/.exec(t);
  return (m ? m[2]! : t).trim();
}

function item(raw: string): [string, string] | null {
  const t = unquote(raw);
  if (t === '') return null;
  const sep = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(t);
  if (sep) return [sep[1]!, unquote(sep[2]!)];
  const words = t.split(/\s+/);
  if (words.length === 1) return [t, 'on'];
  const last = words[words.length - 1]!;
  if (hasDigit(last) && !words.slice(0, -1).some(hasDigit)) return [words.slice(0, -1).join(' '), last];
  if (hasDigit(words[0]!) && !words.slice(1).some(hasDigit)) return [words.slice(1).join(' '), words[0]!];
  return [words[0]!, words.slice(1).join(' ')];
}

/** Setting name → value as written; the first occurrence of a key wins. Keys are lower-cased. */
export function parseKeySettings(line: string | undefined | null): Record<string, string> {
  const out: Record<string, string> = {};
  const text = unquote(line ?? '');
  if (text === '' || EMPTY.test(text)) return out;
  for (const raw of text.split(/;|,(?!\d)/)) {
    const kv = item(raw);
    if (!kv) continue;
    const key = kv[0].toLowerCase();
    if (!(key in out)) out[key] = kv[1];
  }
  return out;
}
