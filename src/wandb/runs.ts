import { lstat, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import jsYaml from 'js-yaml';
import { notFound } from '../core/errors.js';

const GiB = 1024 ** 3;
/** `offline-run-20260311_150000-abc123` or `run-20260311_150000-abc123`. */
const RUN_DIR = /^(offline-run|run)-(\d{8})_(\d{6})-(.+)$/;
const RUN_FILE = /^run-(.+)\.wandb$/;

export type BloatKind = 'media' | 'artifacts' | 'staging' | 'wandb_log';

export interface BloatOffender {
  /** Relative to the run dir (or the staging dir for findStagingBloat). */
  path: string;
  sizeBytes: number;
  kind: BloatKind;
}

export interface BloatReport {
  flagged: boolean;
  /** Bytes under media, artifacts and staging. */
  bytes: number;
  thresholdBytes: number;
  /** The biggest files of those kinds (and *.wandb logs), largest first. */
  offenders: BloatOffender[];
}

export interface WandbRun {
  path: string;
  dirName: string;
  id: string;
  offline: boolean;
  /** From the dir name; the local time of the machine that ran it, no zone. */
  startedAt: string;
  config?: Record<string, unknown>;
  summary?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  sizeBytes: number;
  bloat: BloatReport;
  /** Files that could not be read or disagree; the run is still listed. */
  warnings: string[];
}

export interface BloatOptions {
  /** Total media + artifacts + staging bytes above which a run is flagged. Default 1 GiB. */
  thresholdBytes?: number;
  /** A single *.wandb log above this is flagged too. Default: thresholdBytes. */
  wandbFileThresholdBytes?: number;
  maxOffenders?: number;
}

interface FileEntry {
  rel: string;
  size: number;
}

/** Sizes from lstat: a symlink counts as itself, never as what it points to. */
async function listFiles(dir: string, rel = ''): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const childRel = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, childRel)));
    else out.push({ rel: childRel, size: (await lstat(path.join(dir, childRel))).size });
  }
  return out;
}

function classify(rel: string): BloatKind | null {
  const parts = rel.split('/');
  if (rel.startsWith('files/media/')) return 'media';
  const a = parts.indexOf('artifacts');
  if (a >= 0 && parts[a + 1] === 'staging') return 'staging';
  if (a >= 0) return 'artifacts';
  if (rel.endsWith('.wandb')) return 'wandb_log';
  return null;
}

function bloatOf(files: FileEntry[], opts: BloatOptions, classifyFn: (rel: string) => BloatKind | null): BloatReport {
  const thresholdBytes = opts.thresholdBytes ?? GiB;
  const wandbLimit = opts.wandbFileThresholdBytes ?? thresholdBytes;
  const classified = files.flatMap((f) => {
    const kind = classifyFn(f.rel);
    return kind ? [{ path: f.rel, sizeBytes: f.size, kind }] : [];
  });
  const bytes = classified.filter((o) => o.kind !== 'wandb_log').reduce((sum, o) => sum + o.sizeBytes, 0);
  const hugeLog = classified.some((o) => o.kind === 'wandb_log' && o.sizeBytes > wandbLimit);
  const offenders = classified
    .filter((o) => o.kind !== 'wandb_log' || o.sizeBytes > wandbLimit)
    .sort((x, y) => y.sizeBytes - x.sizeBytes || (x.path < y.path ? -1 : 1))
    .slice(0, opts.maxOffenders ?? 10);
  return { flagged: bytes > thresholdBytes || hugeLog, bytes, thresholdBytes, offenders };
}

async function readJsonObject(file: string, warnings: string[]): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    warnings.push(`${path.basename(file)} is not a JSON object`);
  } catch (err) {
    warnings.push(`${path.basename(file)} is not valid JSON: ${(err as Error).message}`);
  }
  return undefined;
}

/** W&B stores each config key as `{desc, value}`; callers want the values. `_wandb` is W&B's own bookkeeping. */
async function readConfig(file: string, warnings: string[]): Promise<Record<string, unknown> | undefined> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return undefined;
  let doc: unknown;
  try {
    doc = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch (err) {
    warnings.push(`config.yaml does not parse: ${(err as Error).message}`);
    return undefined;
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return undefined;
  const config: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '_wandb') continue;
    const wrapped = entry !== null && typeof entry === 'object' && !Array.isArray(entry) && 'value' in entry;
    config[key] = wrapped ? (entry as { value: unknown }).value : entry;
  }
  return config;
}

async function readRun(runDir: string, match: RegExpExecArray, opts: BloatOptions): Promise<WandbRun> {
  const [, mode, date = '', time = '', dirId = ''] = match;
  const warnings: string[] = [];
  const files = await listFiles(runDir);
  const runFileIds = files.map((f) => RUN_FILE.exec(f.rel)?.[1]).filter((id): id is string => id !== undefined);
  const id = runFileIds[0] ?? dirId;
  if (runFileIds[0] !== undefined && runFileIds[0] !== dirId) {
    warnings.push(`run file run-${runFileIds[0]}.wandb disagrees with the directory id ${dirId}`);
  }
  return {
    path: runDir,
    dirName: path.basename(runDir),
    id,
    offline: mode === 'offline-run',
    startedAt: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}`,
    config: await readConfig(path.join(runDir, 'files', 'config.yaml'), warnings),
    summary: await readJsonObject(path.join(runDir, 'files', 'wandb-summary.json'), warnings),
    metadata: await readJsonObject(path.join(runDir, 'files', 'wandb-metadata.json'), warnings),
    sizeBytes: files.reduce((sum, f) => sum + f.size, 0),
    bloat: bloatOf(files, opts, classify),
    warnings,
  };
}

/**
 * Runs under `dir`: dir may be a run dir itself, a `wandb/` dir, or a project dir holding `wandb/`.
 * `latest-run` is a symlink to one of the others and is skipped.
 */
export async function readWandbRuns(dir: string, opts: BloatOptions = {}): Promise<WandbRun[]> {
  const abs = path.resolve(dir);
  const info = await stat(abs).catch(() => null);
  if (!info?.isDirectory()) {
    throw notFound(
      'WANDB_DIR_NOT_FOUND',
      `${abs} is not a directory`,
      'pass a W&B run dir (wandb/offline-run-...), a wandb/ dir, or the dir that holds wandb/',
    );
  }
  const self = RUN_DIR.exec(path.basename(abs));
  if (self) return [await readRun(abs, self, opts)];

  const runs: WandbRun[] = [];
  for (const parent of [abs, path.join(abs, 'wandb')]) {
    const entries = await readdir(parent, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const match = entry.isDirectory() ? RUN_DIR.exec(entry.name) : null;
      if (match) runs.push(await readRun(path.join(parent, entry.name), match, opts));
    }
  }
  return runs.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * W&B's artifact staging area lives outside the run dirs (`$WANDB_DATA_DIR/artifacts/staging`;
 * on clusters often `wandb_data/` next to `wandb/`). Returns null when there is none.
 */
export async function findStagingBloat(
  dir: string,
  opts: BloatOptions = {},
): Promise<(BloatReport & { path: string }) | null> {
  const abs = path.resolve(dir);
  const candidates = [path.join(abs, 'wandb_data', 'artifacts', 'staging'), path.join(abs, 'artifacts', 'staging')];
  if (abs.endsWith(`${path.sep}artifacts${path.sep}staging`)) candidates.unshift(abs);
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => null);
    if (!info?.isDirectory()) continue;
    return { path: candidate, ...bloatOf(await listFiles(candidate), opts, () => 'staging') };
  }
  return null;
}
