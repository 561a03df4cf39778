/**
 * Campaign operations. Each is pure over (files now, args), so a replay on
 * a moved remote regenerates the same writes:
 *
 * - `campaign-launch` carries the scrubbed frozen manifest and writes the
 *   whole campaign (manifest.yaml, campaign.md, summary.json, timeline,
 *   experiments, one run log per entry) as one commit. Launching the same
 *   manifest again writes nothing.
 * - `campaign-halt`, `campaign-resume`, `campaign-fetch`, `campaign-set`
 *   record what fail_fast, cancel, resume, fetch and a throttle change did.
 * - `batch` applies several run operations as one commit (a launch wave of
 *   many entries is two commits, not two per entry).
 *
 * `campaignSummaryWrites` is the hook every operation passes through: when
 * it changed a run log whose front matter names a campaign, the campaign's
 * summary.json and campaign.md are rewritten in the same commit, from the
 * one changed run log and the previous summary (not from all its runs).
 */
import { failed } from '../../core/errors.js';
import { renderCampaignMd } from '../../campaigns/campaign-md.js';
import { sealFrozen, type FrozenEntry, type FrozenManifest } from '../../campaigns/freeze.js';
import {
  CAMPAIGN_MD,
  campaignFile,
  campaignFolder,
  campaignOfPath,
  entryRunId,
  MANIFEST_FILE,
  SUMMARY_FILE,
} from '../../campaigns/paths.js';
import {
  initialSummary,
  parseSummary,
  renderSummary,
  rowFromRun,
  updateRows,
  withTotals,
  type Summary,
} from '../../campaigns/summary.js';
import { renderFrontMatter } from '../../markdown/frontmatter.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import { applyEdits } from '../../markdown/source.js';
import { formatStatusLine } from '../../markdown/status-line.js';
import { humanDate, isoSeconds } from '../../core/time.js';
import type { Applied, Operation, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadTemplate, renderTemplate } from '../templates.js';
import { mergeWrites, overlay } from './common.js';
import { applyCancel, applyResume } from './record.js';
import { experimentsUpsert } from './experiments.js';
import { timelineRebuild } from './timeline.js';

// ---- launch -----------------------------------------------------------------

export interface CampaignLaunchArgs {
  /** The scrubbed frozen manifest: its canonical bytes are manifest.yaml, its hash the id. */
  manifest: FrozenManifest;
  date: string;
  at: string;
}

export interface CampaignLaunchResult {
  id: string;
  sha256: string;
  launched: boolean;
  runs: { entry: string; id: string; path: string }[];
}

const SCRIPT = /\.(?:py|sh|bash|mjs|cjs|js|R|jl)$/;
const INTERPRETERS = /^(?:python\d*(?:\.\d+)?|bash|sh|node|Rscript|julia|torchrun|accelerate|deepspeed|uv|poetry)$/;

/** The script an entry runs, when its command names one (preflight checks it exists). */
function scriptOf(argv: string[]): string | undefined {
  const i = INTERPRETERS.test(argv[0]!.split('/').pop()!)
    ? argv.findIndex((w, k) => k > 0 && SCRIPT.test(w))
    : SCRIPT.test(argv[0]!)
      ? 0
      : -1;
  return i === -1 ? undefined : argv[i];
}

function configOf(argv: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config' && argv[i + 1]) return argv[i + 1];
    if (argv[i]!.startsWith('--config=')) return argv[i]!.slice('--config='.length);
  }
  return undefined;
}

const code = (v: string) => `\`${v.replace(/\s+/g, ' ').replace(/`/g, "'")}\``;

/** A display form of an argv: words with spaces or quotes are quoted. */
export function displayCommand(argv: string[]): string {
  return argv.map((w) => (/^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : JSON.stringify(w))).join(' ');
}

function entryRunLog(
  view: LedgerView,
  template: string,
  m: FrozenManifest,
  id: string,
  e: FrozenEntry,
  index: number,
  date: string,
  at: Date,
): string {
  const runId = entryRunId(id, date, e.name);
  const settings = Object.entries(e.params).map(([k, v]) => `${k}=${v}`);
  const objective = `${m.objective ? `${m.objective.replace(/\s+/g, ' ')} — ` : ''}campaign ${id}, entry ${e.name}${settings.length > 0 ? ` (${settings.join(', ')})` : ''}`;
  const script = scriptOf(e.command);
  const config = configOf(e.command);
  const text = renderTemplate(template, {
    front_matter: renderFrontMatter({
      schema_version: 1,
      id: runId,
      state: 'pending',
      run_type: m.type,
      subtype: e.kind === 'task' ? 'task' : undefined,
      campaign: id,
      attempt: 1,
    }),
    task: e.name,
    description: `campaign ${id}`,
    run_type_label: e.kind === 'task' ? `${m.type} (task)` : m.type,
    objective,
    script: script ? code(script) : 'n/a',
    config: config ? code(config) : 'n/a',
    dataset: 'n/a',
    settings: settings.length > 0 ? settings.join(', ') : 'n/a',
    created_iso: isoSeconds(at),
    created_human: humanDate(at),
    first_entry: formatStatusLine({
      at,
      state: 'pending',
      message: `queued in campaign ${id} (entry ${index + 1} of ${m.entries.length}); \`runlog supervise\` launches it within max_parallel ${m.policy.max_parallel}`,
    }),
  });
  const doc = new RunLogDoc(text, `${view.config.runs_dir}/${runId}.md`);
  const section = doc.section('Config', 'first');
  if (!section) return text;
  return applyEdits(
    text,
    doc.fieldEdits(section, [
      ['campaign', `[${id}](campaign.md), entry ${index + 1} of ${m.entries.length}`],
      ['command', code(displayCommand(e.command))],
    ]),
  );
}

export async function applyCampaignLaunch(
  view: LedgerView,
  a: CampaignLaunchArgs,
): Promise<Applied<CampaignLaunchResult>> {
  const frozen = sealFrozen(a.manifest);
  const { id } = frozen;
  const runsDir = view.config.runs_dir;
  const folder = campaignFolder(runsDir, id);
  const runs = frozen.manifest.entries.map((e) => {
    const runId = entryRunId(id, a.date, e.name);
    return { entry: e.name, id: runId, path: `${runsDir}/${runId}.md` };
  });
  const existing = view.read(campaignFile(runsDir, id, MANIFEST_FILE));
  if (existing !== null) {
    if (existing !== frozen.text) {
      throw failed(
        'CAMPAIGN_EXISTS',
        `${folder}/ already holds a different manifest for ${id}`,
        `inspect it with \`git log -- ${folder}\`; a changed manifest gets a new id, so this one was edited by hand`,
      );
    }
    const summary = parseSummary(view.read(campaignFile(runsDir, id, SUMMARY_FILE)) ?? '');
    const known = summary
      ? summary.runs.map((r) => ({ entry: r.entry, id: r.id, path: `${runsDir}/${r.id}.md` }))
      : runs;
    return {
      writes: [],
      subject: `${id}: nothing to launch`,
      result: { id, sha256: frozen.sha256, launched: false, runs: known },
    };
  }
  const at = new Date(a.at);
  const template = loadTemplate('run-log.md', { root: view.root, templatesDir: view.config.templates_dir });
  const writes: Write[] = frozen.manifest.entries.map((e, i) => ({
    path: runs[i]!.path,
    content: entryRunLog(view, template, frozen.manifest, id, e, i, a.date, at),
  }));
  for (const r of runs) {
    if (view.read(r.path) !== null)
      throw failed('RUN_EXISTS', `${r.path} already exists`, `remove or rename it; it is not part of campaign ${id}`);
  }
  writes.push(
    timelineRebuild(
      view,
      folder,
      id,
      runs.map((r) => ({ file: r.path.split('/').pop()! })),
    ),
  );
  if (frozen.manifest.type === 'experiment') {
    writes.push(
      await experimentsUpsert(
        view,
        folder,
        frozen.manifest.entries.map((e, i) => ({
          run: runs[i]!.id.split('/').pop()!,
          description: displayCommand(e.command),
          status: 'pending',
          val_loss: '',
          notes: `campaign ${id}`,
        })),
        [],
      ),
    );
  }
  const summary = initialSummary(
    id,
    frozen.sha256,
    isoSeconds(at),
    frozen.manifest,
    runs.map((r) => r.id),
  );
  writes.push(
    { path: campaignFile(runsDir, id, MANIFEST_FILE), content: frozen.text },
    { path: campaignFile(runsDir, id, SUMMARY_FILE), content: renderSummary(summary) },
    { path: campaignFile(runsDir, id, CAMPAIGN_MD), content: renderCampaignMd(summary) },
  );
  return {
    writes,
    subject: `${id}: launch campaign (${runs.length} run${runs.length === 1 ? '' : 's'})`,
    result: { id, sha256: frozen.sha256, launched: true, runs },
  };
}

// ---- summary-only changes ----------------------------------------------------

function loadSummary(view: LedgerView, campaign: string): { path: string; summary: Summary } {
  const path = campaignFile(view.config.runs_dir, campaign, SUMMARY_FILE);
  const text = view.read(path);
  const summary = text === null ? null : parseSummary(text);
  if (!summary)
    throw failed(
      'CAMPAIGN_SUMMARY_UNREADABLE',
      `${path} is missing or not a campaign summary`,
      `restore it from git (\`git log -- ${path}\`), or rebuild it with \`runlog campaign status ${campaign}\``,
    );
  return { path, summary };
}

/**
 * summary.json, campaign.md and the campaign chart, as `pending` (this
 * operation's other writes) leaves the campaign's run logs. The chart
 * module, and d3 with it, loads only here: an append to a campaign run pays
 * for it, an append to any other run does not.
 */
async function summaryWrites(
  view: LedgerView,
  campaign: string,
  summary: Summary,
  pending: readonly Write[] = [],
): Promise<Write[]> {
  const runsDir = view.config.runs_dir;
  const { campaignChartFiles, CAMPAIGN_CHART } = await import('../../campaigns/charts.js');
  const after = overlay(view, [...pending]);
  const chart = campaignChartFiles(summary, (runId) => after.read(`${runsDir}/${runId}.md`));
  const writes: Write[] = [
    { path: campaignFile(runsDir, campaign, SUMMARY_FILE), content: renderSummary(summary) },
    { path: campaignFile(runsDir, campaign, CAMPAIGN_MD), content: renderCampaignMd(summary, chart.lines) },
  ];
  if (chart.svg) writes.push({ path: campaignFile(runsDir, campaign, CAMPAIGN_CHART), content: chart.svg });
  return writes;
}

export interface CampaignHaltArgs {
  campaign: string;
  reason: string;
  at: string;
  /** Entries that never started: they are cancelled with the reason. */
  runs: string[];
}

/** fail_fast (or a cancel) stops the campaign: nothing new starts, and the summary says why. */
export async function applyCampaignHalt(
  view: LedgerView,
  a: CampaignHaltArgs,
): Promise<Applied<{ campaign: string; canceled: string[] }>> {
  let writes: Write[] = [];
  const canceled: string[] = [];
  let experiment = false;
  for (const run of a.runs) {
    const text = overlay(view, writes).read(`${view.config.runs_dir}/${run}.md`);
    if (text === null) continue;
    const doc = new RunLogDoc(text, run);
    if (doc.view.state !== 'pending') continue;
    experiment ||= doc.view.runType === 'experiment';
    writes = mergeWrites(
      writes,
      (await applyCancel(overlay(view, writes), { run, reason: a.reason, at: a.at }, { experiments: false })).writes,
    );
    canceled.push(run);
  }
  // One experiments.md update for every cancelled run: it is a table of the whole campaign.
  if (experiment && canceled.length > 0) {
    writes.push(
      await experimentsUpsert(
        overlay(view, writes),
        campaignFolder(view.config.runs_dir, a.campaign),
        canceled.map((run) => ({ run: run.split('/').pop()!, status: 'canceled' })),
      ),
    );
  }
  const { summary } = loadSummary(view, a.campaign);
  const halted = summary.halted ?? { reason: a.reason, at: a.at };
  writes = mergeWrites(writes, await summaryWrites(view, a.campaign, { ...summary, halted }, writes));
  return {
    writes,
    subject: `${a.campaign}: halt (${a.reason.slice(0, 60)}); ${canceled.length} queued run(s) cancelled`,
    result: { campaign: a.campaign, canceled },
  };
}

export interface CampaignResumeArgs {
  campaign: string;
  at: string;
  runs: { run: string; key: string; label: string; fields: [string, string][] }[];
  /** Failed entries left as they are: fail_fast will not halt again for them. */
  acknowledge: string[];
}

export async function applyCampaignResume(
  view: LedgerView,
  a: CampaignResumeArgs,
): Promise<Applied<{ campaign: string; resumed: string[] }>> {
  let writes: Write[] = [];
  const resumed: string[] = [];
  for (const r of a.runs) {
    const applied = await applyResume(overlay(view, writes), {
      run: r.run,
      at: a.at,
      label: r.label,
      exhausted: true,
      fields: [['idempotency_key', `\`${r.key}\``], ...r.fields],
    });
    writes = mergeWrites(writes, applied.writes);
    resumed.push(r.run);
  }
  const { summary } = loadSummary(view, a.campaign);
  writes = mergeWrites(
    writes,
    await summaryWrites(
      view,
      a.campaign,
      {
        ...summary,
        halted: null,
        acknowledged_failures: [...new Set([...summary.acknowledged_failures, ...a.acknowledge])],
      },
      writes,
    ),
  );
  return {
    writes,
    subject: `${a.campaign}: resume ${resumed.length} run(s)`,
    result: { campaign: a.campaign, resumed },
  };
}

export interface CampaignFetchArgs {
  campaign: string;
  at: string;
  syncedTo: string;
  rows: { id: string; attempt: number; present: number; verified: number; missing: string[] }[];
}

export async function applyCampaignFetch(
  view: LedgerView,
  a: CampaignFetchArgs,
): Promise<Applied<{ campaign: string }>> {
  const { summary } = loadSummary(view, a.campaign);
  const byId = new Map(a.rows.map((r) => [r.id, r]));
  const runs = summary.runs.map((row) => {
    const f = byId.get(row.id);
    if (!f || row.state !== 'completed' || row.attempts !== f.attempt) return row;
    return {
      ...row,
      artifacts: {
        expected: row.artifacts.expected,
        present: f.present,
        verified: f.verified,
        attempt: f.attempt,
        missing: f.missing,
      },
    };
  });
  const next = withTotals({
    ...summary,
    runs,
    artifacts: { ...summary.artifacts, synced_to: a.syncedTo, fetched_at: a.at },
  });
  return {
    writes: await summaryWrites(view, a.campaign, next),
    subject: `${a.campaign}: fetch artifacts (${next.artifacts.verified}/${next.artifacts.expected} verified)`,
    result: { campaign: a.campaign },
  };
}

export interface CampaignSetArgs {
  campaign: string;
  maxParallel: number;
  at: string;
}

export async function applyCampaignSet(
  view: LedgerView,
  a: CampaignSetArgs,
): Promise<Applied<{ campaign: string; maxParallel: number }>> {
  const { summary } = loadSummary(view, a.campaign);
  return {
    writes: await summaryWrites(view, a.campaign, { ...summary, max_parallel: a.maxParallel }),
    subject: `${a.campaign}: max_parallel ${a.maxParallel}`,
    result: { campaign: a.campaign, maxParallel: a.maxParallel },
  };
}

// ---- batch ------------------------------------------------------------------

export interface BatchArgs {
  subject: string;
  ops: Omit<Operation, 'v'>[];
}

/** Several run operations as one commit; each sees the writes of those before it. */
export async function applyBatch(
  view: LedgerView,
  a: BatchArgs,
  apply: (view: LedgerView, op: Operation) => Promise<Applied>,
): Promise<Applied<{ results: unknown[] }>> {
  let writes: Write[] = [];
  const results: unknown[] = [];
  for (const op of a.ops) {
    if (op.kind === 'batch')
      throw failed('BAD_OPERATION', 'a batch cannot hold another batch', 'this is a bug in runlog; please report it');
    const applied = await apply(overlay(view, writes), { v: 1, ...op });
    writes = mergeWrites(writes, applied.writes);
    results.push(applied.result);
  }
  return { writes, subject: a.subject, result: { results } };
}

// ---- the summary hook ---------------------------------------------------------

const FRONT_CAMPAIGN = /^campaign:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9._-]*-[0-9a-f]{8})["']?[ \t]*\r?$/m;

/** The campaign a run log's front matter names, read from its head without parsing it. */
function frontMatterCampaign(text: string): string | null {
  if (!text.startsWith('---')) return null;
  const end = text.indexOf('\n---', 3);
  return end === -1 ? null : (FRONT_CAMPAIGN.exec(text.slice(0, end))?.[1] ?? null);
}

/**
 * summary.json and campaign.md for every campaign whose run logs `applied`
 * changed. A run log counts only inside its campaign's folder and only when
 * its front matter names that campaign; a campaign without a readable
 * summary is left alone (a hand-made folder, or one `status` will rebuild).
 */
export async function campaignSummaryWrites(view: LedgerView, applied: Applied): Promise<Applied> {
  const runsDir = view.config.runs_dir;
  const changed = new Map<string, { id: string; text: string }[]>();
  for (const w of applied.writes) {
    const campaign = campaignOfPath(runsDir, w.path);
    if (!campaign || frontMatterCampaign(w.content) !== campaign) continue;
    const list = changed.get(campaign) ?? [];
    list.push({ id: w.path.slice(runsDir.length + 1, -3), text: w.content });
    changed.set(campaign, list);
  }
  if (changed.size === 0) return applied;
  const after = overlay(view, applied.writes);
  const extra: Write[] = [];
  for (const [campaign, runs] of changed) {
    const text = after.read(campaignFile(runsDir, campaign, SUMMARY_FILE));
    const summary = text === null ? null : parseSummary(text);
    if (!summary) continue;
    const previous = new Map(summary.runs.map((r) => [r.id, r]));
    const rows = runs.map((r) =>
      rowFromRun(r.id, new RunLogDoc(r.text, `${runsDir}/${r.id}.md`), summary.declared, previous.get(r.id)),
    );
    extra.push(...(await summaryWrites(view, campaign, updateRows(summary, rows), applied.writes)));
  }
  return extra.length === 0 ? applied : { ...applied, writes: mergeWrites(applied.writes, extra) };
}
