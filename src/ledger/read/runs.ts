/**
 * Finding run logs under `run_logs/` and resolving a `<run>` ref to one.
 * A run's id is its path under run_logs/ without `.md`.
 */
import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { insidePath } from '../../core/confined-fs.js';
import { notFound, usageError, type RunlogError } from '../../core/errors.js';

export interface RunFile {
  id: string;
  /** Path relative to the ledger root, POSIX separators. */
  path: string;
  abs: string;
  group: string | null;
}

/** Markdown in run_logs/ that is not a run: indexes, model-card drafts, write-ups. */
const NOT_A_RUN = /^(timeline|experiments|readme|index|summary)\.md$|^_|^hf_(readme|training_log)\.md$/i;
const DATED = /^\d{4}-\d{2}-\d{2}_.+\.md$|^.+_\d{4}-\d{2}-\d{2}\.md$/;

export function isRunFileName(name: string): boolean {
  return name.endsWith('.md') && !NOT_A_RUN.test(name) && DATED.test(name);
}

/** Every run log under `base`: `visit(relDir, name, dir)` in directory order; dot entries and symlinks are skipped. */
function walkRuns(base: string, visit: (rel: string, name: string, dir: string) => void): void {
  // Paths are joined by hand: path.join normalises every time, ~30% of a warm `list` over 10,000 runs.
  const walk = (dir: string, rel: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      if (ent.isDirectory()) walk(`${dir}${sep}${ent.name}`, rel ? `${rel}/${ent.name}` : ent.name);
      else if (ent.isFile() && isRunFileName(ent.name)) visit(rel, ent.name, dir);
    }
  };
  walk(base, '');
}

export function listRunFiles(root: string, runsDir: string): RunFile[] {
  const base = join(root, runsDir);
  if (!existsSync(base)) return [];
  const out: RunFile[] = [];
  walkRuns(base, (rel, name, dir) => {
    const idRel = rel ? `${rel}/${name}` : name;
    out.push({ id: idRel.slice(0, -3), path: `${runsDir}/${idRel}`, abs: `${dir}${sep}${name}`, group: rel || null });
  });
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The ids listRunFiles would return, without a RunFile each (100,000 of them are ~25 MB). */
export function listRunIds(root: string, runsDir: string): string[] {
  const base = join(root, runsDir);
  if (!existsSync(base)) return [];
  const ids: string[] = [];
  walkRuns(base, (rel, name) => ids.push(rel ? `${rel}/${name.slice(0, -3)}` : name.slice(0, -3)));
  return ids.sort();
}

export function runFileFromId(root: string, runsDir: string, id: string): RunFile {
  const slash = id.lastIndexOf('/');
  return {
    id,
    path: `${runsDir}/${id}.md`,
    abs: join(root, runsDir, `${id}.md`),
    group: slash === -1 ? null : id.slice(0, slash),
  };
}

/**
 * A ref is an id, a path (relative to the cwd or the ledger), or a unique
 * suffix. Anything that would resolve outside run_logs/ is refused.
 */
export function resolveRun(root: string, runsDir: string, ref: string, cwd = process.cwd()): RunFile {
  const bad = (why: string) =>
    usageError(
      'BAD_RUN_REF',
      `run ref ${JSON.stringify(ref)} ${why}`,
      `name a run by its id (e.g. group/2026-03-22_train), its file path under ${runsDir}/, or a unique suffix`,
    );
  if (ref.trim() === '' || /[\0\r\n]/.test(ref)) throw bad('is empty or has control characters');
  const base = join(root, runsDir);
  const segments = ref.split(/[\\/]/);
  if (segments.includes('..')) throw bad('leaves the ledger (`..` is not allowed)');

  if (isAbsolute(ref) || ref.endsWith('.md')) {
    const abs = isAbsolute(ref) ? ref : existsSync(join(cwd, ref)) ? join(cwd, ref) : join(root, ref);
    return fileWithin(root, runsDir, abs, bad);
  }
  const asId = ref.startsWith(`${runsDir}/`) ? ref.slice(runsDir.length + 1) : ref;
  // listRunFiles skips symlinks; one named exactly is judged by where it leads, not reported as missing.
  const named = join(base, `${asId}.md`);
  if (isSymlink(named)) return fileWithin(root, runsDir, named, bad);
  // The common case, an exact id, without listing the ledger (an append to one of 10,000 runs need not walk them all):
  // exactly the file the walk would find, a regular file under real directories with a run log's name.
  if (isListedRunFile(base, asId)) return checkInside(root, base, runFileFromId(root, runsDir, asId), bad);
  const runs = listRunFiles(root, runsDir);
  const exact = runs.find((r) => r.id === asId);
  if (exact) return checkInside(root, base, exact, bad);
  // A suffix that starts at a path segment beats one that starts mid-name.
  const matches = runs.filter((r) => r.id.endsWith(ref));
  const atSegment = matches.filter((r) => r.id.endsWith(`/${ref}`));
  const candidates = atSegment.length > 0 ? atSegment : matches;
  if (candidates.length === 1) return checkInside(root, base, candidates[0]!, bad);
  if (candidates.length > 1) {
    throw usageError(
      'AMBIGUOUS_RUN',
      `run ref ${JSON.stringify(ref)} matches ${candidates.length} runs`,
      `use one of: ${candidates.map((c) => c.id).join(', ')}`,
      {
        candidates: candidates.map((c) => c.id),
      },
    );
  }
  // Suggest runs sharing the task part of the name: every dated name shares its first characters.
  const task = ref
    .split('/')
    .pop()!
    .replace(/\.md$/, '')
    .replace(/^\d{4}-\d{2}-\d{2}_?/, '');
  const near = task.length >= 2 ? runs.filter((r) => r.id.split('/').pop()!.includes(task)).slice(0, 5) : [];
  throw notFound(
    'RUN_NOT_FOUND',
    `no run matches ${JSON.stringify(ref)}`,
    near.length > 0
      ? `did you mean: ${near.map((c) => c.id).join(', ')}`
      : 'see `runlog list` for the runs in this ledger',
    {
      candidates: near.map((c) => c.id),
    },
  );
}

function isListedRunFile(base: string, id: string): boolean {
  const segments = id.split('/');
  if (
    !isRunFileName(`${segments[segments.length - 1]}.md`) ||
    segments.some((x) => x === '' || x.startsWith('.') || x.includes('\\'))
  )
    return false;
  try {
    let dir = base;
    for (const x of segments.slice(0, -1)) {
      dir = `${dir}${sep}${x}`;
      if (!lstatSync(dir).isDirectory()) return false;
    }
    return lstatSync(`${dir}${sep}${segments[segments.length - 1]}.md`).isFile();
  } catch {
    return false;
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function fileWithin(root: string, runsDir: string, abs: string, bad: (why: string) => Error): RunFile {
  const base = join(root, runsDir);
  const rel = relative(base, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw bad(`is outside ${runsDir}/`);
  if (!existsSync(abs))
    throw notFound(
      'RUN_NOT_FOUND',
      `no run log at ${relative(root, abs) || abs}`,
      'see `runlog list` for the runs in this ledger',
    );
  if (!statSync(abs).isFile()) throw bad('is not a file');
  const id = rel.split(sep).join('/').replace(/\.md$/, '');
  return checkInside(root, base, runFileFromId(root, runsDir, id), bad);
}

/** A run log is a regular file reached through real folders: a link is refused, wherever it leads. */
function checkInside(root: string, base: string, run: RunFile, bad: (why: string) => Error): RunFile {
  if (!existsSync(run.abs)) return run;
  const real = realpathSync(run.abs);
  const realBase = realpathSync(base);
  const rel = relative(realBase, real);
  if (rel.startsWith('..') || isAbsolute(rel)) throw bad(`resolves (through a symlink) outside ${base}`);
  try {
    insidePath(root, run.path);
  } catch (err) {
    if ((err as RunlogError).code === 'SYMLINK_IN_LEDGER')
      throw bad('is a symbolic link; runlog does not follow links inside the ledger');
    throw err;
  }
  return run;
}
