/**
 * TRAINING_LOG.md: the public account of a run, built from its run log (with
 * or without front matter). It keeps what hand-sanitized logs keep (mode,
 * config names, settings, a step/loss(/grad norm) table, the loss one-liner,
 * final metrics, the synced W&B URL, checkpoint hashes and how to verify them,
 * human dates and runtime) and is then passed whole through the sanitizer.
 */
import { TERMINAL } from '../core/lifecycle.js';
import { runArtifacts, field, wandbUrls } from '../ledger/read/artifacts.js';
import type { RunLogDoc, RunLogView } from '../markdown/runlog.js';
import { sectionsNamed } from '../markdown/outline.js';
import { humanDate } from '../core/time.js';
import type { Literals, SanitizeResult, Sanitizer } from './sanitize.js';

export interface CheckpointHashes {
  /** Checkpoint directory name as published (e.g. `1000`), never its cluster path. */
  name: string;
  passportSha256: string;
  files: { path: string; sha256: string; size_bytes?: number }[];
  signoff?: {
    verdict: string;
    verdict_reason?: string | null;
    signed_at: string;
    signed_by: { tool: string; version: string; name?: string };
  };
}

export interface TrainingLogInput {
  runId: string;
  doc: RunLogDoc;
  hashes?: CheckpointHashes;
  /** The chart's file name next to TRAINING_LOG.md, when one is published. */
  chart?: string;
}

/** The published copy of the run's chart, next to TRAINING_LOG.md. */
export const CHART_FILE = 'loss_and_throughput.svg';

const TRAIN = ['train_loss', 'loss', 'train/loss'];
const VAL = ['val_loss', 'eval_loss', 'val/loss', 'eval/loss'];
const GRAD = ['grad_norm', 'gnorm', 'grad-norm', 'train/grad_norm', 'grad_norm/total'];
/** Hand-written sections worth publishing: dynamics and interpretation, not operations. */
const KEPT_SECTIONS = ['Training Dynamics', 'Evaluation', 'Interpretation', 'Checkpoint Hashes'];
/** Results fields that are operational paths or bookkeeping, not results. */
const RESULTS_SKIP = new Set([
  'chart',
  'checkpoint',
  'config_snapshot',
  'config snapshot',
  'passport',
  'signoff',
  'loss_one_liner',
  'checkpoint_hash',
]);

const pick = (metrics: Record<string, number>, names: string[]) => {
  for (const n of names) if (metrics[n] !== undefined) return metrics[n];
  return undefined;
};

const fmt = (n: number | undefined) =>
  n === undefined ? '' : Number.isNaN(n) ? 'nan' : !Number.isFinite(n) ? (n > 0 ? 'inf' : '-inf') : String(n);

function human(at: string | null): string | null {
  if (!at) return null;
  const d = new Date(at.length === 10 ? `${at}T00:00:00Z` : at);
  if (Number.isNaN(d.getTime())) return null;
  return at.length === 10 ? humanDate(d) : `${humanDate(d)} ${at.slice(11, 16)} UTC`;
}

function stripCode(v: string): string {
  return v.replace(/^`([^`]*)`$/, '$1');
}

/** Rows of (step, train, val, grad) from Status entries, one per step (the last entry for a step wins). */
export function lossTable(
  doc: RunLogDoc,
): { step: number; train?: number; val?: number; grad?: number; at: string | null }[] {
  const byStep = new Map<number, { step: number; train?: number; val?: number; grad?: number; at: string | null }>();
  for (const e of doc.view.status) {
    if (e.continuation || e.step === null) continue;
    const row = {
      step: e.step,
      train: pick(e.metrics, TRAIN),
      val: pick(e.metrics, VAL),
      grad: pick(e.metrics, GRAD),
      at: e.at,
    };
    if (row.train === undefined && row.val === undefined && row.grad === undefined) continue;
    byStep.set(e.step, {
      ...byStep.get(e.step),
      ...Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)),
      step: e.step,
      at: e.at,
    } as typeof row);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** What the run log itself says is private: every job id and node its Job blocks and Status name. */
export function literalsOf(doc: RunLogDoc): Literals {
  const jobIds = new Set<string>();
  const nodes = new Set<string>();
  for (const j of doc.view.jobs) {
    const id = field(j.fields, 'execution_id', 'job_id', 'jobid', 'slurm_job_id');
    if (id) jobIds.add(id);
    const node = field(j.fields, 'node', 'nodes', 'nodelist', 'host', 'worker');
    if (node) for (const n of node.split(/[\s,]+/)) if (n) nodes.add(n);
    const headingId = /`([^`]+)`/.exec(j.heading)?.[1];
    if (headingId && /\d{3,}/.test(headingId)) jobIds.add(headingId);
  }
  for (const s of sectionsNamed(doc.outline, 'Job')) {
    const m = /job[ _-]?(?:id)?\s*`?(\d{3,}(?:_\d+)?)`?/i.exec(s.title);
    if (m) jobIds.add(m[1]!);
  }
  const users = new Set<string>();
  for (const m of doc.src.text.matchAll(/\/(?:home|users|Users|scratch)\/([A-Za-z_][\w.-]{2,})\//g)) users.add(m[1]!);
  return { jobIds: [...jobIds], nodes: [...nodes], users: [...users] };
}

export function renderTrainingLog(input: TrainingLogInput): string {
  const { doc } = input;
  const v = doc.view;
  const a = runArtifacts(doc);
  const out = [
    ...overview(v, input.runId),
    ...configSection(v),
    ...lossSection(doc, input.chart),
    ...resultsSection(v, a.finalCheckpoint),
    ...keptSections(doc),
    ...(input.hashes ? hashesSection(input.hashes) : recordedHash(v)),
    ...wandbSection(v, a.wandbSynced),
    ...timelineSection(doc),
  ];
  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

/** Title, run id and type, objective, dates, runtime and the launched instances. */
function overview(v: RunLogView, runId: string): string[] {
  const out = [`# Training log — ${v.title ?? runId}`, '', `- run: \`${runId}\``];
  if (v.runType) out.push(`- run type: ${v.subtype ? `${v.runType} (${v.subtype})` : v.runType}`);
  if (v.objective) out.push(`- objective: ${v.objective}`);
  const first = v.jobs[0]?.fields ?? {};
  const last = v.jobs[v.jobs.length - 1]?.fields ?? {};
  const started =
    field(first, 'start_human', 'submitted_human', 'created_human') ??
    human(field(first, 'start', 'submitted/start', 'started', 'submitted'));
  const lastDated = [...v.status].reverse().find((e) => !e.continuation && e.at);
  const ended =
    field(last, 'end_human') ??
    human(field(last, 'end')) ??
    (TERMINAL.has(v.state) ? human(lastDated?.at ?? null) : null);
  if (started || ended) out.push(`- dates: ${started ?? '?'} → ${ended ?? 'not ended'}`);
  const runtime = field(v.results, 'runtime');
  if (runtime) out.push(`- runtime: ${runtime.split(' ')[0]}`);
  if (v.jobs.length > 1)
    out.push(`- launched instances: ${v.jobs.length} (${v.jobs.map((j) => j.heading).join(', ')})`);
  out.push('');
  return out;
}

function configSection(v: RunLogView): string[] {
  const entries = Object.entries(v.config);
  return entries.length === 0 ? [] : ['## Config', '', ...entries.map(([k, val]) => `- ${k}: ${val}`), ''];
}

/** The chart, the loss one-liner and a step table with only the columns some row has. */
function lossSection(doc: RunLogDoc, chart: string | undefined): string[] {
  const rows = lossTable(doc);
  const oneLiner = field(doc.view.results, 'loss_one_liner');
  if (rows.length === 0 && !oneLiner && !chart) return [];
  const out = ['## Loss', ''];
  if (chart) out.push(`![loss and throughput](${chart})`, '');
  if (oneLiner) out.push(`${oneLiner}`, '');
  if (rows.length === 0) return out;
  const cols: { name: string; get: (r: (typeof rows)[number]) => string }[] = [
    { name: 'step', get: (r) => String(r.step) },
    { name: 'date', get: (r) => human(r.at) ?? '' },
  ];
  if (rows.some((r) => r.train !== undefined)) cols.push({ name: 'train loss', get: (r) => fmt(r.train) });
  if (rows.some((r) => r.val !== undefined)) cols.push({ name: 'val loss', get: (r) => fmt(r.val) });
  if (rows.some((r) => r.grad !== undefined)) cols.push({ name: 'grad norm', get: (r) => fmt(r.grad) });
  out.push(
    `| ${cols.map((c) => c.name).join(' | ')} |`,
    `|${cols.map((c) => (c.name === 'date' ? '---' : '---:')).join('|')}|`,
  );
  for (const r of rows) out.push(`| ${cols.map((c) => c.get(r)).join(' | ')} |`);
  out.push('');
  return out;
}

/** Results without operational paths and bookkeeping, and the final checkpoint by name only. */
function resultsSection(v: RunLogView, finalCheckpoint: string | null): string[] {
  if (!v.results) return [];
  const lines = Object.entries(v.results).filter(([k]) => !RESULTS_SKIP.has(k));
  if (lines.length === 0 && !finalCheckpoint) return [];
  const out = ['## Results', '', ...lines.map(([k, val]) => `- ${k}: ${val}`)];
  if (finalCheckpoint) out.push(`- checkpoint: \`${finalCheckpoint.replace(/\/+$/, '').split('/').pop()}\``);
  out.push('');
  return out;
}

/** Hand-written sections about dynamics and interpretation, copied as written. */
function keptSections(doc: RunLogDoc): string[] {
  const out: string[] = [];
  for (const name of KEPT_SECTIONS) {
    for (const s of sectionsNamed(doc.outline, name)) {
      const body = s.bodyLines
        .map((l) => l.text)
        .join('\n')
        .trim();
      if (body) out.push(`## ${s.title}`, '', body, '');
    }
  }
  return out;
}

/** Without a passport to hash, the hash the run log recorded, if any. */
function recordedHash(v: RunLogView): string[] {
  const h = field(v.results, 'checkpoint_hash');
  return h ? ['## Checkpoint hash', '', `- checkpoint_hash: \`${stripCode(h)}\``, ''] : [];
}

/** Synced W&B URLs, per launched instance when several have their own. */
function wandbSection(v: RunLogView, synced: string[]): string[] {
  const out = ['## W&B', ''];
  const urls = [...new Set([...synced, ...wandbUrls(Object.values(v.wandb ?? {}).join(' '))])];
  if (urls.length > 0) {
    for (const job of v.jobs) {
      const own = Object.values(job.fields).flatMap(wandbUrls);
      if (own.length > 0 && v.jobs.length > 1) out.push(`- ${job.heading}: ${own.join(', ')}`);
    }
    if (v.jobs.length <= 1 || !v.jobs.some((j) => Object.values(j.fields).some((f) => wandbUrls(f).length > 0)))
      for (const u of urls) out.push(`- ${u}`);
  } else {
    out.push('- not synced');
  }
  const notes = field(v.wandb, 'notes');
  if (notes) out.push(`- notes: ${notes}`);
  out.push('');
  return out;
}

function timelineSection(doc: RunLogDoc): string[] {
  const changes = stateChanges(doc);
  return changes.length === 0 ? [] : ['## Timeline', '', ...changes.map((c) => `- ${c}`), ''];
}

function hashesSection(h: CheckpointHashes): string[] {
  const out = [
    '## Checkpoint hashes',
    '',
    `Checkpoint \`${h.name}\`. Every file is listed with its sha256 in \`MODEL_PASSPORT.json\` (schema 0.2); \`SIGNOFF.json\` signs the passport and the files.`,
    '',
  ];
  out.push(`- \`MODEL_PASSPORT.json\` sha256: \`${h.passportSha256}\``);
  if (h.signoff) {
    out.push(
      `- signoff: \`${h.signoff.verdict}\`${h.signoff.verdict_reason ? ` — ${h.signoff.verdict_reason}` : ''} (signed ${h.signoff.signed_at} by ${h.signoff.signed_by.name ? `${h.signoff.signed_by.name} with ` : ''}${h.signoff.signed_by.tool} ${h.signoff.signed_by.version})`,
    );
  } else {
    out.push('- signoff: none yet');
  }
  out.push('', '| file | sha256 | bytes |', '|---|---|---:|');
  for (const f of h.files) out.push(`| \`${f.path}\` | \`${f.sha256}\` | ${f.size_bytes ?? ''} |`);
  out.push(
    '',
    'How to verify (from the checkpoint directory):',
    '',
    '```sh',
    '# every check in the passport format: hashes, paths, unlisted weight files, the signoff',
    'runlog ckpt verify . --require-signoff',
    '# or with the checkpoint-passport tools',
    'validate-checkpoint . --require-signoff',
    '# or one file by hand: compare with the table above',
    `sha256sum ${h.files[0]?.path ?? '<file>'}`,
    '```',
    '',
  );
  return out;
}

/** One line per state change, with human dates: the run's shape without its operational noise. */
function stateChanges(doc: RunLogDoc): string[] {
  const out: string[] = [];
  let state: string | null = null;
  for (const e of doc.view.status) {
    if (e.continuation || !e.state || e.state === state) continue;
    state = e.state;
    const when = human(e.at) ?? e.stamp ?? '';
    out.push(`${when} — ${e.state}${e.step !== null ? `, step ${e.step}` : ''}`);
  }
  return out;
}

/** Render and sanitize in one step: nothing leaves here unsanitized. */
export function publishTrainingLog(input: TrainingLogInput, sanitizer: Sanitizer): SanitizeResult {
  return sanitizer.sanitize(renderTrainingLog(input));
}

export interface PublishRunInput {
  runId: string;
  doc: RunLogDoc;
  /** Absolute path of the final checkpoint, when it is reachable here. */
  checkpoint: string | null;
  out: string;
  sanitizer: Sanitizer;
  /** The run's committed chart (SVG text), when it has one. */
  chart?: string | null;
}

export interface PublishRunResult {
  files: string[];
  removed: SanitizeResult['removed'];
  leaks: { file: string; line: number; rule: string }[];
}

/**
 * Write TRAINING_LOG.md and copy the passport and signoff byte for byte (the
 * signoff hashes the passport's exact bytes). A passport that would leak is
 * refused before anything is written.
 */
export async function publishRun(input: PublishRunInput): Promise<PublishRunResult> {
  const { mkdir, readFile, writeFile } = await import('node:fs/promises');
  const path = await import('node:path');
  const { loadPassport, PASSPORT_FILE, SIGNOFF_FILE } = await import('./passport.js');
  const { verifyCheckpoint } = await import('./verify.js');
  const { sha256Bytes } = await import('../core/hash.js');
  const { failed } = await import('../core/errors.js');

  const copies: { name: string; bytes: Buffer }[] = [];
  let hashes: CheckpointHashes | undefined;
  if (input.checkpoint) {
    const loaded = await loadPassport(input.checkpoint).catch(() => null);
    if (loaded) {
      const report = await verifyCheckpoint(input.checkpoint, { requireSignoff: false });
      hashes = {
        name: path.basename(input.checkpoint),
        passportSha256: sha256Bytes(loaded.bytes),
        files: loaded.passport.weight_integrity?.weight_files ?? [],
        signoff: report.signoff,
      };
      copies.push({ name: PASSPORT_FILE, bytes: loaded.bytes });
      const signoff = await readFile(path.join(input.checkpoint, SIGNOFF_FILE)).catch(() => null);
      if (signoff) copies.push({ name: SIGNOFF_FILE, bytes: signoff });
    }
  }
  const leaks = copies.flatMap((c) =>
    input.sanitizer.leaks(c.bytes.toString('utf8')).map((l) => ({ file: c.name, ...l })),
  );
  if (leaks.length > 0) {
    throw failed(
      'PUBLISH_PASSPORT_LEAKS',
      `the checkpoint's ${[...new Set(leaks.map((l) => l.file))].join(' and ')} would publish private details: ${leaks.map((l) => `${l.file}:${l.line} (${l.rule})`).join(', ')}`,
      'regenerate the passport without cluster paths (e.g. a repo URL as training_repo), sign it again, then publish',
      { details: { leaks } },
    );
  }
  const chart = input.chart ? await publishedChart(input.chart, input.sanitizer) : null;
  const log = publishTrainingLog(
    { runId: input.runId, doc: input.doc, hashes, chart: chart ? CHART_FILE : undefined },
    input.sanitizer,
  );
  await mkdir(input.out, { recursive: true });
  await writeFile(path.join(input.out, 'TRAINING_LOG.md'), log.text);
  if (chart) copies.push({ name: CHART_FILE, bytes: Buffer.from(chart.text) });
  for (const c of copies) await writeFile(path.join(input.out, c.name), c.bytes);
  const files = ['TRAINING_LOG.md', ...copies.map((c) => c.name)];
  return {
    files,
    removed: mergeRemovals(log.removed, chart?.removed ?? []),
    leaks: await checkPublished(input.out, input.sanitizer),
  };
}

/**
 * The chart as published: only an SVG runlog would have drawn (it came
 * through git, so it is checked like any shared content), with every label
 * passed through the sanitizer: no host, path or job id in its text.
 */
async function publishedChart(svg: string, sanitizer: Sanitizer): Promise<SanitizeResult> {
  const { svgProblems, mapSvgText } = await import('../plot/check.js');
  const { failed } = await import('../core/errors.js');
  const problems = svgProblems(svg);
  if (problems.length > 0) {
    throw failed(
      'PUBLISH_CHART_UNSAFE',
      `the run's chart is not one runlog draws: ${problems.slice(0, 3).join('; ')}`,
      'redraw it with `runlog plot <run>`, then publish again',
    );
  }
  const removed: SanitizeResult['removed'] = [];
  const text = mapSvgText(svg, (t) => {
    const r = sanitizer.sanitize(t);
    removed.push(...r.removed);
    return r.text;
  });
  return { text, removed };
}

function mergeRemovals(...lists: SanitizeResult['removed'][]): SanitizeResult['removed'] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const r of list) counts.set(r.rule, (counts.get(r.rule) ?? 0) + r.count);
  return [...counts].map(([rule, count]) => ({ rule, count }));
}

const TEXT_FILE = /\.(?:md|markdown|txt|json|ya?ml|toml|cfg|ini|csv|log)$/i;

/** Every line of every text file under a published folder that a sanitizer rule would change. */
export async function checkPublished(
  dir: string,
  sanitizer: Sanitizer,
): Promise<{ file: string; line: number; rule: string }[]> {
  const { readdir, readFile, stat } = await import('node:fs/promises');
  const path = await import('node:path');
  const { notFound } = await import('../core/errors.js');
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  ) {
    throw notFound(
      'PUBLISH_DIR_NOT_FOUND',
      `${dir} is not a directory`,
      'pass the published folder (the one holding TRAINING_LOG.md)',
    );
  }
  const leaks: { file: string; line: number; rule: string }[] = [];
  const walk = async (sub: string): Promise<void> => {
    for (const e of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git') await walk(rel);
      } else if (e.isFile() && (TEXT_FILE.test(e.name) || e.name.endsWith('.svg'))) {
        const raw = await readFile(path.join(dir, rel), 'utf8');
        // A chart's path data is numbers; only its labels can leak.
        const text = e.name.endsWith('.svg') ? (await import('../plot/check.js')).svgTexts(raw).join('\n') : raw;
        for (const l of sanitizer.leaks(text)) leaks.push({ file: rel, ...l });
      }
    }
  };
  await walk('');
  return leaks.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
