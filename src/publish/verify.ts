import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sha256Bytes, sha256File } from '../core/hash.js';
import {
  listPackageFiles,
  loadPassport,
  PASSPORT_FILE,
  SCHEMA_VERSION,
  SIGNOFF_FILE,
  WEIGHT_SUFFIXES,
  type LoadedPassport,
} from './passport.js';

export const signoffSchema = z.looseObject({
  schema_version: z.string(),
  signed_at: z.string(),
  signed_by: z.looseObject({ tool: z.string(), version: z.string(), name: z.string().optional() }),
  artifacts: z.array(z.looseObject({ path: z.string(), sha256: z.string() })).min(1),
  verdict: z.enum(['pass', 'soft_signal', 'fail']),
  verdict_reason: z.string().nullable().optional(),
});
export type Signoff = z.infer<typeof signoffSchema>;

export type VerifyCheck =
  | 'passport' // 0: the passport exists and parses
  | 'signoff' // 1: the signoff exists and parses
  | 'schema_version' // 2: other than 0.2 is a warning
  | 'passport_hash' // 3: artifacts[0] is the passport's exact bytes
  | 'artifact' // 4: every signed artifact resolves inside the root, exists, matches
  | 'unlisted_weight' // 5: every weight-suffix file is listed
  | 'weight_file' // the passport's own manifest matches the disk
  | 'provenance' // validators require training_repo_commit
  | 'verdict'; // a signed `fail`, or soft_signal without a reason

export interface VerifyIssue {
  check: VerifyCheck;
  message: string;
  path?: string;
}

export interface VerifyReport {
  ok: boolean;
  root: string;
  failures: VerifyIssue[];
  warnings: VerifyIssue[];
  signoff?: {
    verdict: Signoff['verdict'];
    verdict_reason?: string | null;
    signed_at: string;
    signed_by: { tool: string; version: string; name?: string };
  };
}

export interface VerifyOptions {
  requireSignoff: boolean;
  /** Directories the passport was built without; weights under them are not required to be listed. */
  skipDirs?: string[];
}

export type Resolved = { ok: true; full: string } | { ok: false; reason: 'outside' | 'missing'; message: string };

/** Lexically and after following symlinks, an artifact must stay inside the checkpoint root. */
export async function resolveInside(realRoot: string, rel: string): Promise<Resolved> {
  if (rel === '' || path.posix.isAbsolute(rel) || path.win32.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) {
    return {
      ok: false,
      reason: 'outside',
      message: `artifact path ${JSON.stringify(rel)} is not a relative path inside the checkpoint root`,
    };
  }
  const full = path.resolve(realRoot, ...rel.split('/'));
  let real: string;
  try {
    real = await realpath(full);
  } catch {
    return { ok: false, reason: 'missing', message: `${rel} is declared but does not exist` };
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    return { ok: false, reason: 'outside', message: `${rel} resolves outside the checkpoint root (to ${real})` };
  }
  const info = await stat(real);
  if (!info.isFile()) return { ok: false, reason: 'missing', message: `${rel} is not a regular file` };
  return { ok: true, full: real };
}

const hasWeightSuffix = (rel: string): boolean => WEIGHT_SUFFIXES.some((s) => rel.toLowerCase().endsWith(s));

export async function verifyCheckpoint(root: string, opts: VerifyOptions): Promise<VerifyReport> {
  const absRoot = path.resolve(root);
  const report: VerifyReport = { ok: false, root: absRoot, failures: [], warnings: [] };
  const fail = (issue: VerifyIssue) => report.failures.push(issue);
  const warn = (issue: VerifyIssue) => report.warnings.push(issue);

  const realRoot = await realpath(absRoot).catch(() => null);
  if (!realRoot) {
    fail({ check: 'passport', message: `checkpoint root ${absRoot} does not exist`, path: absRoot });
    return report;
  }
  let loaded: LoadedPassport;
  try {
    loaded = await loadPassport(absRoot);
  } catch (err) {
    fail({ check: 'passport', message: (err as Error).message, path: PASSPORT_FILE });
    return report;
  }
  const { passport, bytes } = loaded;
  if (passport.schema_version !== SCHEMA_VERSION) {
    warn({
      check: 'schema_version',
      message: `passport schema_version is ${passport.schema_version}, expected ${SCHEMA_VERSION}`,
      path: PASSPORT_FILE,
    });
  }
  if (!passport.provenance?.training_repo_commit) {
    fail({ check: 'provenance', message: 'provenance.training_repo_commit is missing', path: PASSPORT_FILE });
  }

  const hashes = new Map<string, Promise<string>>();
  const hashOf = (full: string): Promise<string> => {
    let h = hashes.get(full);
    if (!h) {
      h = sha256File(full);
      hashes.set(full, h);
    }
    return h;
  };

  const declared = passport.weight_integrity?.weight_files ?? [];
  for (const wf of declared) {
    const resolved = await resolveInside(realRoot, wf.path);
    if (!resolved.ok) {
      fail({ check: 'weight_file', message: resolved.message, path: wf.path });
      continue;
    }
    if (wf.size_bytes !== undefined && (await stat(resolved.full)).size !== wf.size_bytes) {
      fail({ check: 'weight_file', message: `${wf.path} size differs from the passport`, path: wf.path });
    }
    if ((await hashOf(resolved.full)) !== wf.sha256) {
      fail({ check: 'weight_file', message: `${wf.path} sha256 differs from the passport`, path: wf.path });
    }
  }

  const signed = await checkSignoff(absRoot, realRoot, bytes, opts, report, hashOf);

  const listed = new Set([...declared.map((wf) => path.posix.normalize(wf.path)), ...signed]);
  for (const rel of await listPackageFiles(absRoot, { skipDirs: opts.skipDirs })) {
    if (hasWeightSuffix(rel) && !listed.has(rel)) {
      fail({ check: 'unlisted_weight', message: `weight file ${rel} is not listed in the passport`, path: rel });
    }
  }
  report.ok = report.failures.length === 0;
  return report;
}

/** Checks 1-4; returns the signed artifact paths. */
async function checkSignoff(
  absRoot: string,
  realRoot: string,
  passportBytes: Buffer,
  opts: VerifyOptions,
  report: VerifyReport,
  hashOf: (full: string) => Promise<string>,
): Promise<string[]> {
  const fail = (issue: VerifyIssue) => report.failures.push(issue);
  const warn = (issue: VerifyIssue) => report.warnings.push(issue);
  const text = await readFile(path.join(absRoot, SIGNOFF_FILE), 'utf8').catch(() => null);
  if (text === null) {
    (opts.requireSignoff ? fail : warn)({
      check: 'signoff',
      message: `${SIGNOFF_FILE} is missing`,
      path: SIGNOFF_FILE,
    });
    return [];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    fail({
      check: 'signoff',
      message: `${SIGNOFF_FILE} is not valid JSON: ${(err as Error).message}`,
      path: SIGNOFF_FILE,
    });
    return [];
  }
  const parsed = signoffSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail({
      check: 'signoff',
      message: `${SIGNOFF_FILE}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      path: SIGNOFF_FILE,
    });
    return [];
  }
  const signoff = parsed.data;
  report.signoff = {
    verdict: signoff.verdict,
    verdict_reason: signoff.verdict_reason,
    signed_at: signoff.signed_at,
    signed_by: {
      tool: signoff.signed_by.tool,
      version: signoff.signed_by.version,
      ...(signoff.signed_by.name ? { name: signoff.signed_by.name } : {}),
    },
  };
  if (signoff.schema_version !== SCHEMA_VERSION) {
    warn({
      check: 'schema_version',
      message: `signoff schema_version is ${signoff.schema_version}, expected ${SCHEMA_VERSION}`,
      path: SIGNOFF_FILE,
    });
  }
  if (signoff.verdict === 'fail')
    fail({
      check: 'verdict',
      message: `the signoff verdict is fail${signoff.verdict_reason ? `: ${signoff.verdict_reason}` : ''}`,
      path: SIGNOFF_FILE,
    });
  if (signoff.verdict === 'soft_signal') {
    if (signoff.verdict_reason)
      warn({ check: 'verdict', message: `signed with a soft signal: ${signoff.verdict_reason}`, path: SIGNOFF_FILE });
    else fail({ check: 'verdict', message: 'soft_signal verdict without verdict_reason', path: SIGNOFF_FILE });
  }

  const [first, ...rest] = signoff.artifacts;
  if (first?.path !== PASSPORT_FILE) {
    fail({
      check: 'passport_hash',
      message: `artifacts[0] must be ${PASSPORT_FILE}, found ${JSON.stringify(first?.path)}`,
      path: SIGNOFF_FILE,
    });
  } else if (first.sha256 !== sha256Bytes(passportBytes)) {
    fail({
      check: 'passport_hash',
      message: `${PASSPORT_FILE} changed after signing (sha256 differs from the signoff)`,
      path: PASSPORT_FILE,
    });
  }
  for (const artifact of rest) {
    const resolved = await resolveInside(realRoot, artifact.path);
    if (!resolved.ok) {
      fail({ check: 'artifact', message: resolved.message, path: artifact.path });
    } else if ((await hashOf(resolved.full)) !== artifact.sha256) {
      fail({
        check: 'artifact',
        message: `${artifact.path} changed after signing (sha256 differs from the signoff)`,
        path: artifact.path,
      });
    }
  }
  return rest.map((a) => path.posix.normalize(a.path));
}
