/**
 * From a manifest to its entries: the grid's cartesian product (first key
 * outermost) followed by the explicit runs, each with a name, its parameter
 * values and its command as an argv array with every `{param}` filled.
 *
 * A command string is split into words here (quotes group, backslash
 * escapes) and placeholders are filled inside each word, so a value with a
 * space or a `;` stays one argument: nothing is ever given to a shell.
 */
import type { ManifestSource } from './source.js';
import { manifestFail, type Manifest, type ManifestResources } from './manifest.js';
import type { EntryPolicy } from './policy.js';

export interface Entry {
  name: string;
  kind: 'run' | 'task';
  argv: string[];
  params: Record<string, string>;
  policy?: EntryPolicy;
  resources?: ManifestResources;
}

/** Split a command line into words: whitespace separates, '…' and "…" group, \ escapes outside '…'. */
export function splitWords(command: string): string[] | { error: string } {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (command[i + 1] === '"' || command[i + 1] === '\\')) word += command[++i];
      else word += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < command.length) {
      word += command[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return { error: `a ${quote === '"' ? 'double' : 'single'} quote is never closed` };
  if (inWord) words.push(word);
  return words;
}

const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z0-9._-]+)\}/g;

/** Placeholders a word uses (`{lr}`); `{{` and `}}` are literal braces. */
export function placeholders(word: string): string[] {
  const out: string[] = [];
  for (const m of word.matchAll(PLACEHOLDER)) if (m[1]) out.push(m[1]);
  return out;
}

function fill(word: string, params: Record<string, string>): string {
  return word.replace(PLACEHOLDER, (whole, key: string | undefined) =>
    whole === '{{' ? '{' : whole === '}}' ? '}' : params[key!]!,
  );
}

/** `lr3e-4_seed0`: each parameter's name and value, in order, kept to characters a file name can hold. */
export function entryName(params: [string, string][]): string {
  return params
    .map(([k, v]) => `${k}${v}`.replace(/[^A-Za-z0-9.-]+/g, '-'))
    .join('_')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 64);
}

function cartesian(grid: [string, string[]][]): [string, string][][] {
  let rows: [string, string][][] = [[]];
  for (const [key, values] of grid)
    rows = rows.flatMap((row) => values.map((v) => [...row, [key, v] as [string, string]]));
  return rows;
}

export function expandManifest(m: Manifest, src: ManifestSource): Entry[] {
  const entries: (Entry & { origin: (string | number)[] })[] = [];
  const argvOf = (command: string | string[], origin: (string | number)[]): string[] => {
    if (Array.isArray(command)) return command;
    const words = splitWords(command);
    if ('error' in words) manifestFail(src, origin, words.error);
    if (words.length === 0) manifestFail(src, origin, 'command is empty');
    return words;
  };
  const build = (
    name: string,
    kind: Entry['kind'],
    command: string | string[] | undefined,
    params: Record<string, string>,
    origin: (string | number)[],
    extra: Partial<Entry>,
  ): void => {
    if (command === undefined)
      manifestFail(src, origin, `entry ${name} has no command: write a top-level command or one for the entry`);
    const template = argvOf(command, origin);
    const used = new Set(template.flatMap(placeholders));
    for (const p of used) {
      if (!(p in params))
        manifestFail(src, origin, `placeholder {${p}} has no value in entry ${name}`, 'CAMPAIGN_PLACEHOLDER');
    }
    for (const p of Object.keys(params)) {
      if (!used.has(p))
        manifestFail(
          src,
          origin,
          `parameter ${p} of entry ${name} is not used by its command (no {${p}} placeholder): an unknown key or a typo`,
          'CAMPAIGN_UNKNOWN_KEY',
        );
    }
    entries.push({
      name,
      kind,
      argv: template.map((w) => fill(w, params)),
      params,
      origin,
      ...(extra.policy ? { policy: extra.policy } : {}),
      ...(extra.resources ? { resources: extra.resources } : {}),
    });
  };

  if (m.grid.length > 0) {
    if (m.command === undefined) manifestFail(src, ['grid'], 'grid entries need a top-level command');
    for (const row of cartesian(m.grid))
      build(entryName(row), 'run', m.command, Object.fromEntries(row), ['command'], {});
  }
  for (const r of m.runs) {
    const params = Object.entries(r.params);
    const name = r.name ?? (params.length > 0 ? entryName(params) : `run${r.index}`);
    const origin = r.command !== undefined ? ['runs', r.index, 'command'] : ['runs', r.index];
    build(name, r.kind, r.command ?? m.command, r.params, origin, { policy: r.policy, resources: r.resources });
  }

  const seen = new Map<string, (string | number)[]>();
  for (const e of entries) {
    const before = seen.get(e.name);
    if (before) {
      manifestFail(
        src,
        e.origin,
        `entry name ${e.name} is used twice (first at line ${src.lineOf(before)}); give one of them a distinct name`,
        'CAMPAIGN_DUPLICATE_ENTRY',
      );
    }
    if (e.name === '') manifestFail(src, e.origin, 'an entry has no usable name; give it one with `name:`');
    seen.set(e.name, e.origin);
  }
  return entries.map(({ origin: _origin, ...e }) => e);
}
