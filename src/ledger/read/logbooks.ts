/**
 * Where logbooks live (`.agents/logbooks/<slug>.md`) and how a
 * `<run>` argument names one: its slug, its path, or a unique suffix.
 */
import { existsSync, readdirSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { notFound, usageError } from '../../core/errors.js';

export const LOGBOOK_DIR = '.agents/logbooks';

const SLUG = /^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$/;

export function validateRunSlug(slug: string): string {
  if (!SLUG.test(slug) || slug.includes('..') || slug.endsWith('.md')) {
    throw usageError(
      'BAD_RUN_SLUG',
      `run name ${JSON.stringify(slug)} is not a stable slug`,
      "use letters, digits, '.', '_' and '-' only, e.g. grug-moe-1e23-ep8",
    );
  }
  return slug;
}

export function logbookPath(slug: string): string {
  return `${LOGBOOK_DIR}/${validateRunSlug(slug)}.md`;
}

/** The slug of a logbook path: its file name without `.md`. */
export function slugOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).replace(/\.md$/, '');
}

export function listLogbooks(root: string): string[] {
  const dir = join(root, LOGBOOK_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.md') && !e.name.startsWith('.'))
    .map((e) => `${LOGBOOK_DIR}/${e.name}`)
    .sort();
}

/** `<run>` → the logbook's path relative to the ledger root. */
export function resolveLogbook(root: string, ref: string, cwd = process.cwd()): { slug: string; path: string } {
  const text = ref.trim();
  if (text === '' || /[\0\r\n]/.test(text) || text.split(/[\\/]/).includes('..')) {
    throw usageError(
      'BAD_RUN_REF',
      `run ref ${JSON.stringify(ref)} is not a logbook name`,
      `name a logbook by its slug (the file name under ${LOGBOOK_DIR}/ without .md)`,
    );
  }
  if (text.endsWith('.md') || isAbsolute(text)) {
    const abs = isAbsolute(text) ? text : existsSync(join(cwd, text)) ? join(cwd, text) : join(root, text);
    const rel = relative(root, abs).split(sep).join('/');
    if (!rel.startsWith(`${LOGBOOK_DIR}/`) || rel.slice(LOGBOOK_DIR.length + 1).includes('/')) {
      throw usageError(
        'BAD_RUN_REF',
        `${text} is not a logbook under ${LOGBOOK_DIR}/`,
        `logbooks live in ${LOGBOOK_DIR}/<run>.md`,
      );
    }
    if (!existsSync(abs))
      throw notFound(
        'LOGBOOK_NOT_FOUND',
        `no logbook at ${rel}`,
        `create it with \`runlog hero init ${slugOf(rel)} …\``,
      );
    return { slug: slugOf(rel), path: rel };
  }
  const all = listLogbooks(root);
  const exact = all.find((p) => slugOf(p) === text);
  if (exact) return { slug: text, path: exact };
  const matches = all.filter((p) => slugOf(p).endsWith(text));
  if (matches.length === 1) return { slug: slugOf(matches[0]!), path: matches[0]! };
  if (matches.length > 1) {
    throw usageError(
      'AMBIGUOUS_RUN',
      `run ref ${JSON.stringify(ref)} matches ${matches.length} logbooks`,
      `use one of: ${matches.map(slugOf).join(', ')}`,
      { candidates: matches.map(slugOf) },
    );
  }
  throw notFound(
    'LOGBOOK_NOT_FOUND',
    `no logbook named ${JSON.stringify(ref)} in ${LOGBOOK_DIR}/`,
    `start one with \`runlog hero init ${text} --dri <name> --goal <text> …\`, or check the slug with \`ls ${LOGBOOK_DIR}\``,
    {
      candidates: all.map(slugOf),
    },
  );
}
