import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { failed, notFound, usageError } from '../core/errors.js';
import { sha256File } from '../core/hash.js';
import { isoSeconds } from '../core/time.js';

/** Passport schema 0.2, shared with the Python checkpoint-passport tool: files either tool writes, the other reads. */
export const SCHEMA_VERSION = '0.2';
export const PASSPORT_FILE = 'MODEL_PASSPORT.json';
export const SIGNOFF_FILE = 'SIGNOFF.json';
/** Package files that describe the weights rather than being them. */
export const MANIFEST_EXCLUDED = new Set([
  PASSPORT_FILE,
  'PASSPORT_SEED.json',
  SIGNOFF_FILE,
  'README.md',
  'TRAINING_LOG.md',
]);
export const WEIGHT_SUFFIXES = ['.safetensors', '.bin', '.pt', '.pth', '.ckpt'];

export const weightFileSchema = z.looseObject({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex sha256'),
  // The other tool drops falsy values, so an empty file may come without its size.
  size_bytes: z.number().int().nonnegative().optional(),
});

export const provenanceSchema = z.looseObject({
  run_log_path: z.string().optional(),
  training_repo: z.string().optional(),
  training_repo_commit: z.string().optional(),
  config_snapshot_path: z.string().optional(),
  merged_config_sha256: z.string().optional(),
  parent_checkpoint: z.string().optional(),
  parent_description: z.string().optional(),
});

/** Readers fill defaults for what the writer dropped; unknown sections pass through untouched. */
export const passportSchema = z.looseObject({
  schema_version: z.string(),
  generated_by: z.string().optional(),
  generated_at: z.string().optional(),
  provenance: provenanceSchema.optional(),
  weight_integrity: z.looseObject({ weight_files: z.array(weightFileSchema).default([]) }).optional(),
  runlog: z
    .looseObject({ run_id: z.string().optional(), step: z.number().optional(), attempt: z.number().optional() })
    .optional(),
});

export type WeightFile = z.infer<typeof weightFileSchema>;
export type Passport = z.infer<typeof passportSchema>;

export interface ManifestOptions {
  /** Directories left out of the manifest: a POSIX path relative to the root, or a bare directory name anywhere. */
  skipDirs?: string[];
}

export interface WritePassportOptions {
  generatedBy: string;
  provenance: {
    run_log_path: string;
    training_repo: string;
    training_repo_commit: string;
    config_snapshot_path?: string;
    merged_config_sha256?: string;
    parent_checkpoint?: string;
    parent_description?: string;
  };
  runlog: { run_id: string; step: number; attempt: number };
  /** More top-level sections; known sections are merged into, never renamed. */
  extra?: Record<string, unknown>;
  skipDirs?: string[];
}

/** Keys writePassport computes itself; `extra` may not override them. */
const OWNED_KEYS = new Set([
  'schema_version',
  'generated_by',
  'generated_at',
  'provenance',
  'weight_integrity',
  'runlog',
]);

/** Python's sorted() orders str by code point; JS's default sort uses UTF-16 units, which differ above U+FFFF. */
export function byCodePoint(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = (ca[i]?.codePointAt(0) ?? 0) - (cb[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/**
 * Regular files under root as POSIX paths relative to it: hidden entries skipped,
 * symlinked files followed (HF caches link to blobs), symlinked directories not (loops).
 */
export async function listPackageFiles(root: string, opts: ManifestOptions = {}): Promise<string[]> {
  const skip = new Set((opts.skipDirs ?? []).map((d) => d.replace(/^\.\/+/, '').replace(/\/+$/, '')));
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      const relPath = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!skip.has(relPath) && !skip.has(entry.name)) await walk(full, relPath);
      } else if (entry.isFile()) {
        out.push(relPath);
      } else if (entry.isSymbolicLink()) {
        const target = await stat(full).catch(() => null);
        if (target?.isFile()) out.push(relPath);
      }
    }
  };
  await walk(root, '');
  return out.sort(byCodePoint);
}

export async function buildWeightManifest(root: string, opts: ManifestOptions = {}): Promise<WeightFile[]> {
  const files = (await listPackageFiles(root, opts)).filter((rel) => !MANIFEST_EXCLUDED.has(path.posix.basename(rel)));
  const manifest: WeightFile[] = [];
  for (const rel of files) {
    const full = path.join(root, ...rel.split('/'));
    manifest.push({ path: rel, sha256: await sha256File(full), size_bytes: (await stat(full)).size });
  }
  return manifest;
}

/** What the other tool drops before writing: nulls, empty arrays and objects, and `false`. */
export function dropEmpty(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(dropEmpty).filter((v) => !isEmpty(v));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const cleaned = dropEmpty(v);
      if (!isEmpty(cleaned)) out[key] = cleaned;
    }
    return out;
  }
  return value;
}

function isEmpty(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

export const prettyJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Temp file + rename, so a reader never sees half a passport. */
export async function writeFileAtomic(file: string, text: string | Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface LoadedPassport {
  file: string;
  /** The exact bytes on disk: the signoff hashes these, never a re-serialisation. */
  bytes: Buffer;
  passport: Passport;
}

export async function loadPassport(root: string): Promise<LoadedPassport> {
  const file = path.join(root, PASSPORT_FILE);
  const bytes = await readFile(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') {
      throw notFound(
        'PASSPORT_NOT_FOUND',
        `${file} does not exist`,
        'generate it first with `runlog ckpt passport <checkpoint>`',
      );
    }
    throw err;
  });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw failed(
      'PASSPORT_INVALID',
      `${file} is not valid JSON: ${(err as Error).message}`,
      'fix the file by hand or regenerate it',
      { cause: err },
    );
  }
  const parsed = passportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw failed(
      'PASSPORT_INVALID',
      `${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      'fix the field by hand or regenerate the passport',
    );
  }
  return { file, bytes, passport: parsed.data };
}

export async function readPassport(root: string): Promise<Passport> {
  return (await loadPassport(root)).passport;
}

async function readExisting(root: string): Promise<Record<string, unknown>> {
  const file = path.join(root, PASSPORT_FILE);
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (text === null) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw failed(
      'PASSPORT_INVALID',
      `existing ${file} is not valid JSON, refusing to overwrite it`,
      'fix or move the file, then run again',
      { cause: err },
    );
  }
  if (!isRecord(json))
    throw failed(
      'PASSPORT_INVALID',
      `existing ${file} is not a JSON object, refusing to overwrite it`,
      'fix or move the file, then run again',
    );
  return json;
}

export interface WritePassportResult {
  file: string;
  passport: Passport;
  weightFiles: WeightFile[];
}

/** Creates or updates MODEL_PASSPORT.json; sections written by other tools are kept as they were. */
export async function writePassport(root: string, opts: WritePassportOptions): Promise<WritePassportResult> {
  const rootStat = await stat(root).catch(() => null);
  if (!rootStat?.isDirectory())
    throw notFound(
      'CHECKPOINT_NOT_FOUND',
      `checkpoint root ${root} is not a directory`,
      'pass the checkpoint directory',
    );
  if (!opts.provenance.training_repo_commit.trim()) {
    throw usageError(
      'PASSPORT_COMMIT_REQUIRED',
      'provenance.training_repo_commit is empty; validators reject a passport without it',
      'pass the commit the checkpoint was trained from',
    );
  }
  const owned = Object.keys(opts.extra ?? {}).filter((k) => OWNED_KEYS.has(k));
  if (owned.length > 0) {
    throw usageError(
      'PASSPORT_EXTRA_RESERVED',
      `extra sections may not set ${owned.join(', ')}`,
      'pass those through generatedBy, provenance and runlog instead',
    );
  }
  const existing = await readExisting(root);
  const weightFiles = await buildWeightManifest(root, { skipDirs: opts.skipDirs });

  // Format keys lead a new passport; an existing one keeps its own key order.
  const merged: Record<string, unknown> = {
    schema_version: SCHEMA_VERSION,
    generated_by: opts.generatedBy,
    generated_at: isoSeconds(new Date()),
    ...existing,
  };
  merged.schema_version = SCHEMA_VERSION;
  merged.generated_by = opts.generatedBy;
  merged.generated_at = isoSeconds(new Date());
  for (const [key, value] of Object.entries(opts.extra ?? {})) {
    merged[key] = isRecord(value) && isRecord(merged[key]) ? { ...merged[key], ...value } : value;
  }
  merged.provenance = { ...(isRecord(existing.provenance) ? existing.provenance : {}), ...opts.provenance };
  merged.weight_integrity = {
    ...(isRecord(existing.weight_integrity) ? existing.weight_integrity : {}),
    weight_files: weightFiles,
  };
  merged.runlog = { ...(isRecord(existing.runlog) ? existing.runlog : {}), ...opts.runlog };

  const cleaned = dropEmpty(merged);
  const parsed = passportSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw failed(
      'PASSPORT_INVALID',
      `merged passport is invalid at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      'fix that field in the existing MODEL_PASSPORT.json, then run again',
    );
  }
  const passport = parsed.data;
  const file = path.join(root, PASSPORT_FILE);
  await writeFileAtomic(file, prettyJson(cleaned));
  return { file, passport, weightFiles };
}
