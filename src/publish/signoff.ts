import { readFile, realpath, rm } from 'node:fs/promises';
import path from 'node:path';
import { failed, usageError } from '../core/errors.js';
import { sha256Bytes, sha256File } from '../core/hash.js';
import { loadPassport, prettyJson, PASSPORT_FILE, SCHEMA_VERSION, SIGNOFF_FILE, writeFileAtomic } from './passport.js';
import { isoSeconds } from '../core/time.js';
import { resolveInside, verifyCheckpoint, type Signoff, type VerifyReport } from './verify.js';

export interface WriteSignoffOptions {
  /** `fail` exists in the schema, but a hard failure is never signed. */
  verdict: 'pass' | 'soft_signal';
  reason?: string;
  tool: string;
  version: string;
  /** The person who signs (kept beside the tool in `signed_by`; readers keep unknown keys). */
  by?: string;
  skipDirs?: string[];
}

export interface WriteSignoffResult {
  file: string;
  signoff: Signoff;
  report: VerifyReport;
}

export async function writeSignoff(root: string, opts: WriteSignoffOptions): Promise<WriteSignoffResult> {
  const verdict: string = opts.verdict;
  if (verdict !== 'pass' && verdict !== 'soft_signal') {
    throw usageError(
      'SIGNOFF_VERDICT_INVALID',
      `cannot sign with verdict ${JSON.stringify(verdict)}`,
      'sign with pass, or soft_signal and a reason; fix hard failures instead of signing them',
    );
  }
  const reason = opts.reason?.trim() || null;
  if (verdict === 'soft_signal' && !reason) {
    throw usageError(
      'SIGNOFF_REASON_REQUIRED',
      'a soft_signal verdict needs a reason',
      'pass --reason "<what is off and why it is acceptable>"',
    );
  }
  const absRoot = path.resolve(root);
  const realRoot = await realpath(absRoot);
  const { bytes, passport } = await loadPassport(absRoot);

  const artifacts: Signoff['artifacts'] = [{ path: PASSPORT_FILE, sha256: sha256Bytes(bytes) }];
  const problems: string[] = [];
  for (const wf of passport.weight_integrity?.weight_files ?? []) {
    const resolved = await resolveInside(realRoot, wf.path);
    if (!resolved.ok) {
      problems.push(resolved.message);
      continue;
    }
    const sha256 = await sha256File(resolved.full);
    if (sha256 !== wf.sha256) problems.push(`${wf.path} no longer matches the sha256 in the passport`);
    artifacts.push({ path: wf.path, sha256 });
  }
  if (problems.length > 0) {
    throw failed(
      'SIGNOFF_REFUSED',
      `refusing to sign ${absRoot}: ${problems.join('; ')}`,
      'restore the declared files or regenerate the passport, then sign again',
      {
        details: { problems },
      },
    );
  }

  const signoff: Signoff = {
    schema_version: SCHEMA_VERSION,
    signed_at: isoSeconds(new Date()),
    signed_by: { tool: opts.tool, version: opts.version, ...(opts.by ? { name: opts.by } : {}) },
    artifacts,
    verdict: opts.verdict,
    verdict_reason: reason,
  };
  const file = path.join(absRoot, SIGNOFF_FILE);
  const previous = await readFile(file).catch(() => null);
  await writeFileAtomic(file, prettyJson(signoff));

  const report = await verifyCheckpoint(absRoot, { requireSignoff: true, skipDirs: opts.skipDirs });
  if (!report.ok) {
    // Leave the checkpoint as it was before this call.
    if (previous) await writeFileAtomic(file, previous);
    else await rm(file, { force: true });
    throw failed(
      'SIGNOFF_VERIFY_FAILED',
      `the new signoff does not verify: ${report.failures.map((f) => f.message).join('; ')}`,
      'fix the listed failures (e.g. regenerate the passport to list every weight file), then sign again',
      {
        details: { failures: report.failures },
      },
    );
  }
  return { file, signoff, report };
}
