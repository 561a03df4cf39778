/**
 * `runlog campaign fetch <id> --to <dir>`: copy each completed entry's
 * declared artifacts into `<dir>/<id>/<entry>/`, check every copied byte
 * against the source's sha256, and record {expected, present, verified,
 * synced_to} in summary.json (one commit). What to fetch comes only from
 * the frozen manifest, and where from only from this machine's output
 * root: `<output root>/<id>/<entry>/attempt-<n>`, never a path a run log
 * names. A declared path that leads out of its attempt directory (a
 * symlink) is not followed.
 */
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { parseFrozen } from '../../campaigns/freeze.js';
import { entryOutputDir, MANIFEST_FILE } from '../../campaigns/paths.js';
import { sha256File } from '../../core/hash.js';
import { jobSettings } from '../../config/jobs.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import { campaignSummary, resolveCampaign } from '../../ledger/read/campaigns.js';
import type { CampaignFetchOut } from '../../schemas/output.js';

interface FileCopy {
  rel: string;
  src: string;
}

function inside(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The regular files an artifact path names (a directory: every file under it), confined to `base`. */
function filesOf(base: string, artifact: string): FileCopy[] | null {
  const abs = resolve(base, artifact);
  if (!inside(base, abs) || !existsSync(abs)) return null;
  const realBase = realpathSync(base);
  if (!inside(realBase, realpathSync(abs))) return null;
  const st = lstatSync(abs);
  if (st.isFile()) return [{ rel: artifact.replace(/\/+$/, ''), src: abs }];
  if (!st.isDirectory()) return null;
  const out: FileCopy[] = [];
  const walk = (dir: string) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile()) out.push({ rel: relative(base, p).split(sep).join('/'), src: p });
    }
  };
  walk(abs);
  return out;
}

export async function campaignFetch(input: {
  campaign: string;
  to: string;
  ledger?: string;
  push: boolean;
}): Promise<CommandOutput<CampaignFetchOut>> {
  const ledger = openLedger({ ledger: input.ledger });
  const c = resolveCampaign(ledger, input.campaign);
  const frozen = parseFrozen(readFileSync(join(c.abs, MANIFEST_FILE), 'utf8'), c.id, `${c.folder}/${MANIFEST_FILE}`);
  const summary = campaignSummary(ledger, c);
  const outputRoot = jobSettings(ledger.root, ledger.config).outputRoot;
  const to = resolve(input.to);
  const declared = frozen.manifest.artifacts;
  const rows: { id: string; attempt: number; present: number; verified: number; missing: string[] }[] = [];
  const sums: string[] = [];
  let files = 0;
  // Only the frozen manifest's entries: a run log another clone added to the folder names no output tree here.
  const entries = new Set(frozen.manifest.entries.map((e) => e.name));
  for (const r of summary.runs) {
    if (r.state !== 'completed' || !entries.has(r.entry)) continue;
    const base = entryOutputDir(outputRoot, c.id, r.entry, r.attempts);
    const dest = join(to, c.id, r.entry);
    let present = 0;
    let verified = 0;
    const missing: string[] = [];
    for (const artifact of declared) {
      const found = existsSync(base) ? filesOf(base, artifact) : null;
      if (!found || found.length === 0) {
        missing.push(artifact);
        continue;
      }
      present++;
      let ok = true;
      for (const f of found) {
        const target = join(dest, f.rel);
        mkdirSync(dirname(target), { recursive: true });
        const want = await sha256File(f.src);
        copyFileSync(f.src, target);
        const got = await sha256File(target);
        if (got !== want) ok = false;
        sums.push(`${got}  ${r.entry}/${f.rel}`);
        files++;
      }
      if (ok) verified++;
      else missing.push(`${artifact} (checksum mismatch)`);
    }
    rows.push({ id: r.id, attempt: r.attempts, present, verified, missing });
  }
  if (sums.length > 0) {
    mkdirSync(join(to, c.id), { recursive: true });
    writeFileSync(join(to, c.id, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  }
  const tx = await commit(
    ledger,
    { kind: 'campaign-fetch', args: { campaign: c.id, at: new Date().toISOString(), syncedTo: to, rows } },
    { push: input.push },
  );
  const expected = rows.length * declared.length;
  const present = rows.reduce((n, r) => n + r.present, 0);
  const verified = rows.reduce((n, r) => n + r.verified, 0);
  const missing = rows.flatMap((r) =>
    r.missing.map(
      (m) =>
        `${r.id
          .split('/')
          .pop()!
          .replace(/^\d{4}-\d{2}-\d{2}_/, '')}/${m}`,
    ),
  );
  return {
    result: { id: c.id, to, expected, present, verified, missing, files, commit: tx.commit, pushed: tx.pushed },
    human: [
      `${c.id}: artifacts ${verified}/${expected} verified, ${files} file(s) copied to ${join(to, c.id)}${missing.length > 0 ? `; missing: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}` : ''}`,
    ],
    pushError: tx.pushError,
  };
}
