/**
 * Campaigns as the ledger holds them, read-only: finding one by id (or a
 * unique prefix), its summary recomputed now from its run logs, and the
 * list of all of them. Rows come through a stat-validated cache, so status
 * of a 10,000-entry campaign costs a stat per run log, like `list`.
 *
 * The frozen manifest is checked by hash only (its bytes must hash to the
 * id); the entry order and what the manifest declares come from the stored
 * summary, which the launch wrote from it. When that summary is missing or
 * unreadable the manifest itself is parsed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failed, notFound, usageError } from '../../core/errors.js';
import type { Ledger } from '../../git/ledger-repo.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { parseFrozen } from '../../campaigns/freeze.js';
import { CAMPAIGN_ID, MANIFEST_FILE, SUMMARY_FILE } from '../../campaigns/paths.js';
import {
  initialSummary,
  parseSummary,
  rowFromRun,
  unreadableRow,
  withTotals,
  type Summary,
  type SummaryRow,
} from '../../campaigns/summary.js';
import { StatCache } from './stat-cache.js';

export interface CampaignRef {
  id: string;
  /** Folder relative to the ledger root. */
  folder: string;
  abs: string;
}

/** Campaign folders directly under the runs folder: `<name>-<8 hex>/manifest.yaml`. */
export function campaignFolders(ledger: Ledger): CampaignRef[] {
  const base = join(ledger.root, ledger.config.runs_dir);
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory() && CAMPAIGN_ID.test(d.name) && existsSync(join(base, d.name, MANIFEST_FILE)))
    .map((d) => ({ id: d.name, folder: `${ledger.config.runs_dir}/${d.name}`, abs: join(base, d.name) }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** An exact id, or a prefix (the name) that names one campaign. */
export function resolveCampaign(ledger: Ledger, ref: string): CampaignRef {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref)) {
    throw usageError(
      'BAD_CAMPAIGN_REF',
      `campaign ${JSON.stringify(ref)} is not a campaign id`,
      'name a campaign by its id (`<name>-<8 hex>`, see `runlog campaign list`) or by its name when only one campaign has it',
    );
  }
  const all = campaignFolders(ledger);
  const exact = all.find((c) => c.id === ref);
  if (exact) return exact;
  const matches = all.filter((c) => c.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw usageError(
      'AMBIGUOUS_CAMPAIGN',
      `${JSON.stringify(ref)} names ${matches.length} campaigns`,
      `use one of: ${matches.map((c) => c.id).join(', ')}`,
      { candidates: matches.map((c) => c.id) },
    );
  }
  throw notFound(
    'CAMPAIGN_NOT_FOUND',
    `no campaign ${JSON.stringify(ref)} in ${ledger.config.runs_dir}/`,
    all.length > 0
      ? `known campaigns: ${all
          .slice(0, 5)
          .map((c) => c.id)
          .join(', ')}${all.length > 5 ? ', …' : ''}`
      : 'launch one with `runlog campaign launch <manifest>`',
  );
}

/** The frozen manifest's bytes must still hash to the id: status never answers for an edited campaign. */
function checkManifest(c: CampaignRef): string {
  const text = readFileSync(join(c.abs, MANIFEST_FILE), 'utf8');
  const sha = createHash('sha256').update(text).digest('hex');
  if (!c.id.endsWith(`-${sha.slice(0, 8)}`)) {
    throw failed(
      'CAMPAIGN_MANIFEST_CHANGED',
      `${c.folder}/${MANIFEST_FILE} does not hash to the campaign id ${c.id}: it was edited after launch`,
      `restore it from git (\`git log -- ${c.folder}/${MANIFEST_FILE}\`); a changed manifest is launched as a new campaign`,
    );
  }
  return text;
}

const RUN_FILE = /^\d{4}-\d{2}-\d{2}_.+\.md$/;
const CACHE_VERSION = 1;

/** The campaign's summary as of now: every row recomputed from its run log. */
export function campaignSummary(ledger: Ledger, c: CampaignRef): Summary {
  const manifestText = checkManifest(c);
  const stored = parseSummary(
    existsSync(join(c.abs, SUMMARY_FILE)) ? readFileSync(join(c.abs, SUMMARY_FILE), 'utf8') : '',
  );
  const files = readdirSync(c.abs).filter((f) => RUN_FILE.test(f));
  const base: Summary =
    stored ??
    (() => {
      const frozen = parseFrozen(manifestText, c.id, `${c.folder}/${MANIFEST_FILE}`);
      const ids = frozen.manifest.entries.map(
        (e) => `${c.id}/${files.find((f) => f.endsWith(`_${e.name}.md`))?.slice(0, -3) ?? `unknown_${e.name}`}`,
      );
      return initialSummary(c.id, frozen.sha256, new Date().toISOString(), frozen.manifest, ids);
    })();
  const cache = StatCache.open<{ row: SummaryRow | null }>(ledger.gitDir, 'campaign-rows.json', CACHE_VERSION);
  const previous = new Map(base.runs.map((r) => [r.id, r]));
  const byId = new Map<string, SummaryRow>();
  for (const f of files) {
    const id = `${c.id}/${f.slice(0, -3)}`;
    const abs = join(c.abs, f);
    const { row } = cache.get(`${c.folder}/${f}`, abs, () => {
      const doc = new RunLogDoc(readFileSync(abs, 'utf8'), `${c.folder}/${f}`);
      if (doc.errors.length > 0)
        return { row: unreadableRow(id, `${doc.errors[0]!.file}:${doc.errors[0]!.line}: ${doc.errors[0]!.message}`) };
      // A dated file that is not one of this campaign's run logs is not a row.
      if (!doc.isRun || doc.view.campaign !== c.id) return { row: null };
      return { row: rowFromRun(id, doc, base.declared) };
    });
    if (row === null) continue;
    const prev = previous.get(id);
    // Fetch results belong to the attempt they verified.
    byId.set(
      id,
      prev && prev.artifacts.attempt === row.attempts && row.state === 'completed'
        ? { ...row, artifacts: { ...prev.artifacts, expected: row.artifacts.expected } }
        : row,
    );
  }
  cache.save();
  const ordered: SummaryRow[] = [];
  for (const r of base.runs) {
    const now = byId.get(r.id);
    ordered.push(now ?? unreadableRow(r.id, `run log ${r.id}.md is missing`));
    byId.delete(r.id);
  }
  ordered.push(...byId.values());
  return withTotals({ ...base, runs: ordered });
}

export interface CampaignListing {
  id: string;
  created: string | null;
  executor: string | null;
  runs: number;
  counts: Record<string, number>;
  failure_classes: Record<string, number>;
  halted: string | null;
}

/** Every campaign, from its stored summary (no run log is read). */
export function listCampaigns(ledger: Ledger): CampaignListing[] {
  return campaignFolders(ledger).map((c) => {
    const s = parseSummary(
      existsSync(join(c.abs, SUMMARY_FILE)) ? readFileSync(join(c.abs, SUMMARY_FILE), 'utf8') : '',
    );
    const nonzero = (o: Record<string, number> | undefined) =>
      Object.fromEntries(Object.entries(o ?? {}).filter(([, n]) => n > 0));
    return {
      id: c.id,
      created: s?.created ?? null,
      executor: s?.executor ?? null,
      runs: s?.runs.length ?? 0,
      counts: nonzero(s?.counts),
      failure_classes: nonzero(s?.failure_classes),
      halted: s?.halted?.reason ?? null,
    };
  });
}

/** Summaries of every campaign as stored (the fleet view reads these). */
export function storedSummaries(ledger: Ledger): Summary[] {
  return campaignFolders(ledger)
    .map((c) =>
      parseSummary(existsSync(join(c.abs, SUMMARY_FILE)) ? readFileSync(join(c.abs, SUMMARY_FILE), 'utf8') : ''),
    )
    .filter((s): s is Summary => s !== null);
}
