/**
 * Reading a manifest file as the user wrote it: YAML or CSV, into plain data
 * plus the line every key and value came from, so a validation error can
 * name the key and its line.
 *
 * YAML goes through `yaml` (eemeli) rather than js-yaml because its nodes
 * carry source ranges: js-yaml reports a line only for syntax errors. Plain
 * scalars in parameter positions keep their source text (`3e-4` stays
 * `3e-4`, not 0.0003), which is what the command and the entry name get.
 * CSV is parsed here (RFC 4180: quoted fields, doubled quotes, CRLF): the
 * format is 40 lines of code and a dependency would add nothing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Scalar, type Node } from 'yaml';
import { notFound } from '../core/errors.js';
import { manifestError } from './errors.js';
import { ENTRY_POLICY_KEYS } from './policy.js';

/** A key path into the manifest: `policy.max_parallel`, `runs.2.lr`. */
export type KeyPath = (string | number)[];

export interface ManifestSource {
  file: string;
  format: 'yaml' | 'csv';
  /** The data, with every scalar as YAML typed it, except parameter values (source text). */
  data: unknown;
  /** The 1-based line of a key path, or of its nearest ancestor that has one. */
  lineOf(path: KeyPath): number;
}

/** Largest manifest read: a 10,000-row CSV is ~1 MB; anything far bigger is not a manifest. */
const MAX_BYTES = 16 * 1024 * 1024;

export function readManifestFile(file: string): ManifestSource {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw notFound(
      'CAMPAIGN_MANIFEST_NOT_FOUND',
      `no manifest file at ${file}`,
      'pass the path of a YAML or CSV manifest: `runlog campaign launch sweep.yaml`',
    );
  }
  if (statSync(file).size > MAX_BYTES) {
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      file,
      1,
      `the file is larger than ${MAX_BYTES >> 20} MiB, which no manifest is`,
      'point at the YAML or CSV manifest, not a data file',
    );
  }
  const bytes = readFileSync(file);
  if (bytes.includes(0)) {
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      file,
      1,
      'the file is binary (it holds NUL bytes), not YAML or CSV',
      'write the manifest as YAML (name, command, grid, policy) or CSV (a header row, one row per run)',
    );
  }
  return parseManifestText(bytes.toString('utf8'), file);
}

export function parseManifestText(text: string, file: string): ManifestSource {
  const ext = extname(file).toLowerCase();
  if (ext === '.csv') return parseCsvManifest(text, file);
  if (ext === '.yaml' || ext === '.yml') return parseYamlManifest(text, file);
  // No telling extension: a mapping is YAML; a header row with commas is CSV.
  const yamlTry = tryYaml(text, file);
  if (yamlTry) return yamlTry;
  if (looksLikeCsv(text)) return parseCsvManifest(text, file);
  throw manifestError(
    'CAMPAIGN_MANIFEST_FORMAT',
    file,
    1,
    'the file is neither a YAML mapping nor a CSV table',
    'write the manifest as YAML (name, command, grid, policy) or CSV (a header row, one row per run), and name it .yaml or .csv',
  );
}

function tryYaml(text: string, file: string): ManifestSource | null {
  try {
    const src = parseYamlManifest(text, file);
    return src.data !== null && typeof src.data === 'object' && !Array.isArray(src.data) ? src : null;
  } catch {
    return null;
  }
}

function looksLikeCsv(text: string): boolean {
  const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
  return first?.includes(',') === true && !first.includes(': ');
}

/** Keys of a `runs:` entry that are settings, not parameters. */
const ENTRY_SETTINGS = new Set<string | number>([
  'name',
  'command',
  'kind',
  'policy',
  'resources',
  ...ENTRY_POLICY_KEYS,
]);

/** Keys whose scalar values are parameters: their source text is the value. */
function isParamPosition(path: KeyPath): boolean {
  if (path[0] === 'grid') return path.length === 3;
  return path[0] === 'runs' && path.length === 3 && !ENTRY_SETTINGS.has(path[2]!);
}

function parseYamlManifest(text: string, file: string): ManifestSource {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, merge: false });
  const err = doc.errors[0];
  if (err) {
    const line = err.linePos?.[0]?.line ?? lc.linePos(err.pos[0]).line;
    const what =
      err.code === 'DUPLICATE_KEY'
        ? 'a key appears twice in the same mapping'
        : `not valid YAML: ${err.message.split('\n')[0]}`;
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      file,
      line,
      what,
      'fix the YAML at that line (a manifest is a mapping: name, command, grid, runs, policy, ...)',
    );
  }
  const lines = new Map<string, number>();
  const lineAt = (node: Node | null | undefined) => (node?.range ? lc.linePos(node.range[0]).line : undefined);
  const convert = (node: unknown, path: KeyPath): unknown => {
    const at = lineAt(node as Node);
    if (at !== undefined && !lines.has(keyOf(path))) lines.set(keyOf(path), at);
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const kl = lineAt(pair.key as Node);
        if (kl !== undefined) lines.set(keyOf([...path, k]), kl);
        out[k] = convert(pair.value, [...path, k]);
      }
      return out;
    }
    if (isSeq(node)) return node.items.map((item, i) => convert(item, [...path, i]));
    if (isScalar(node)) {
      if (isParamPosition(path) && node.type === Scalar.PLAIN && node.range)
        return text.slice(node.range[0], node.range[1]);
      return node.value;
    }
    return node === null || node === undefined ? null : String(node);
  };
  const data = doc.contents === null ? null : convert(doc.contents, []);
  return { file, format: 'yaml', data, lineOf: lookup(lines) };
}

function keyOf(path: KeyPath): string {
  return path.join('\u0000');
}

function lookup(lines: Map<string, number>): (path: KeyPath) => number {
  return (path) => {
    for (let n = path.length; n >= 0; n--) {
      const l = lines.get(keyOf(path.slice(0, n)));
      if (l !== undefined) return l;
    }
    return 1;
  };
}

/** RFC 4180 records with the line each starts on. */
export function parseCsv(text: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let any = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      if (any || field !== '') records.push({ fields: [...fields, field], line: start });
      fields = [];
      field = '';
      any = false;
      line++;
      start = line;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || field !== '') records.push({ fields: [...fields, field], line: start });
  return records;
}

/**
 * A CSV manifest: a header row of parameter names, optional `name` and
 * `command` columns, one row per run. It becomes `{name, runs}` with the
 * file's base name as the campaign name (`--name` overrides it).
 */
function parseCsvManifest(text: string, file: string): ManifestSource {
  const records = parseCsv(text);
  const header = records[0];
  if (!header)
    throw manifestError(
      'CAMPAIGN_EMPTY',
      file,
      1,
      'the CSV has no header row and no runs',
      'write a header row of parameter names (and a command column), then one row per run',
    );
  const columns = header.fields.map((f) => f.trim());
  const lines = new Map<string, number>();
  const blank = columns.indexOf('');
  if (blank !== -1)
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      file,
      header.line,
      `column ${blank + 1} of the header row has no name`,
      'name every column: parameter names, and optionally name and command',
    );
  const dup = columns.find((c, i) => columns.indexOf(c) !== i);
  if (dup)
    throw manifestError(
      'CAMPAIGN_MANIFEST_FORMAT',
      file,
      header.line,
      `column ${JSON.stringify(dup)} appears twice in the header row`,
      'give every column its own name',
    );
  const runs: Record<string, string>[] = [];
  for (const rec of records.slice(1)) {
    if (rec.fields.length === 1 && rec.fields[0]!.trim() === '') continue;
    if (rec.fields.length !== columns.length) {
      throw manifestError(
        'CAMPAIGN_MANIFEST_FORMAT',
        file,
        rec.line,
        `the row has ${rec.fields.length} fields, the header ${columns.length}`,
        'every row needs one value per header column (quote values that hold commas)',
      );
    }
    const i = runs.length;
    lines.set(keyOf(['runs', i]), rec.line);
    const row: Record<string, string> = {};
    columns.forEach((c, k) => {
      row[c] = rec.fields[k]!;
      lines.set(keyOf(['runs', i, c]), rec.line);
    });
    runs.push(row);
  }
  lines.set(keyOf(['runs']), header.line);
  const data: Record<string, unknown> = { name: basename(file, extname(file)), runs };
  return { file, format: 'csv', data, lineOf: lookup(lines) };
}
