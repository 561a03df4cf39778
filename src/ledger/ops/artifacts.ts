/**
 * What a finished run leaves behind, read from and recorded in its run log:
 * output root, checkpoints and their lineage, passport and signoff, seal tags,
 * W&B records. The reads work on hand-kept logs (field names vary, values may
 * be wrapped in backticks or carry an `(inferred)` label); the record
 * operations are pure like every other operation, so they replay.
 */
import { parseStep } from '../../checkpoints/step.js';
import type { RunLogDoc, JobBlock } from '../../markdown/runlog.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { statusStamp, humanDate, isoSeconds } from '../../core/time.js';
import { usageError } from '../../core/errors.js';
import type { Applied } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadRunDoc, oneLine, scrubber } from './common.js';

// ---- reading a run's artifacts ------------------------------------------

const EMPTY = /^(?:pending|n\/a|na|none|null|-|—|tbd|unknown|\(not submitted\))?$/i;

/** The path or value of a field: the first code span if any, else the text without a trailing `(label)`. */
export function fieldValue(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const code = /`([^`]+)`/.exec(raw);
  const v = (code ? code[1]! : raw.replace(/\s*\((?:inferred|approx[^)]*)\)\s*$/i, '')).trim();
  return EMPTY.test(v) ? null : v;
}

const norm = (k: string) => k.toLowerCase().replace(/[\s-]+/g, '_');

/** First non-empty field among the aliases (keys compared with spaces and dashes as `_`). */
export function field(fields: Record<string, string> | null | undefined, ...aliases: string[]): string | null {
  if (!fields) return null;
  const wanted = aliases.map(norm);
  for (const want of wanted) {
    for (const [k, v] of Object.entries(fields)) {
      if (norm(k) !== want) continue;
      const value = fieldValue(v);
      if (value !== null) return value;
    }
  }
  return null;
}

const OUTPUT_ROOT = ['output_root', 'output_dir', 'output_path', 'output'];
const INIT_FROM = ['initialize_from', 'init_from', 'initialise_from', 'load_ckpt_path', 'resume_from'];
const RESUMED_FROM = ['resumed_from', 'resumed from', 'resume_from', 'initialize_from', 'init_from'];
const GIT_SHA = ['git_sha', 'source_git_sha', 'commit', 'git_commit', 'sha', 'training_repo_commit'];
const CONFIG_SNAPSHOT = ['config_snapshot', 'resolved_config', 'config_snapshot_path'];
const CONFIG_SHA = ['config_snapshot_sha256', 'config_sha256', 'config_snapshot_hash', 'config_hash', 'merged_config_sha256'];
const COMMAND = ['command', 'submit_command', 'launch_command', 'cmd'];
const WANDB_LOCAL = ['wandb_local', 'w&b_local', 'wandb_dir', 'wandb'];

export interface RunArtifacts {
  /** Pinned output root of the newest Job block that names one. */
  outputRoot: string | null;
  /** Results `checkpoint`. */
  finalCheckpoint: string | null;
  /** `initialize_from` of the first Job block. */
  launchSource: string | null;
  /** Where each later Job block resumed from. */
  recoverySources: string[];
  gitSha: string | null;
  repo: string | null;
  command: string | null;
  configSnapshot: string | null;
  configSha256: string | null;
  /** A dirty launch that was allowed, with the recorded patch. */
  dirty: { patch: string | null; patchSha256: string | null } | null;
  wandbLocal: string[];
  wandbSynced: string[];
  milestones: number[];
  finalStep: number | null;
}

export const lastOf = (jobs: JobBlock[], aliases: string[]): string | null => {
  for (let i = jobs.length - 1; i >= 0; i--) {
    const v = field(jobs[i]!.fields, ...aliases);
    if (v !== null) return v;
  }
  return null;
};

const isYes = (v: string | null) => v !== null && /^(?:yes|true|dirty|allowed)\b/i.test(v);

export function runArtifacts(doc: RunLogDoc): RunArtifacts {
  const v = doc.view;
  const jobs = v.jobs;
  const first = jobs[0]?.fields;
  const results = v.results;
  const wandbLocal = new Set<string>();
  const wandbSynced = new Set<string>();
  for (const j of jobs) {
    const local = field(j.fields, ...WANDB_LOCAL);
    if (local && !/^https?:/.test(local)) wandbLocal.add(local);
    for (const val of Object.values(j.fields)) for (const u of wandbUrls(val)) wandbSynced.add(u);
  }
  const sectionLocal = field(v.wandb, 'local');
  if (sectionLocal) wandbLocal.add(sectionLocal);
  for (const val of Object.values(v.wandb ?? {})) for (const u of wandbUrls(val)) wandbSynced.add(u);

  const dirtyRaw = lastOf(jobs, ['dirty_tree', 'dirty']);
  const milestonesRaw = lastOf(jobs, ['milestones', 'milestone_steps']) ?? field(v.config, 'milestones');
  const finalStepRaw = field(results, 'final step', 'final_step');
  return {
    outputRoot: lastOf(jobs, OUTPUT_ROOT) ?? field(v.config, ...OUTPUT_ROOT),
    finalCheckpoint: field(results, 'checkpoint', 'final_checkpoint'),
    launchSource: field(first, ...INIT_FROM),
    recoverySources: jobs.slice(1).map((j) => field(j.fields, ...RESUMED_FROM)).filter((s): s is string => s !== null),
    gitSha: lastOf(jobs, GIT_SHA),
    repo: lastOf(jobs, ['training_repo', 'repo', 'repository']),
    command: lastOf(jobs, COMMAND),
    configSnapshot: lastOf(jobs, CONFIG_SNAPSHOT) ?? field(results, ...CONFIG_SNAPSHOT),
    configSha256: lastOf(jobs, CONFIG_SHA),
    dirty: isYes(dirtyRaw) ? { patch: lastOf(jobs, ['patch', 'dirty_patch', 'patch_path']), patchSha256: lastOf(jobs, ['patch_sha256', 'patch_hash', 'patch_identity']) } : null,
    wandbLocal: [...wandbLocal],
    wandbSynced: [...wandbSynced],
    milestones: (milestonesRaw ?? '').split(/[\s,]+/).map((s) => Number(s.replace(/_/g, ''))).filter((n) => Number.isSafeInteger(n) && n > 0),
    finalStep: finalStepRaw !== null && /^\d[\d,_]*$/.test(finalStepRaw) ? Number(finalStepRaw.replace(/[,_]/g, '')) : null,
  };
}

export function wandbUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/(?:[\w-]+\.)*wandb\.(?:ai|me)\/[^\s`)>\]]+/g)].map((m) => m[0]);
}

// ---- the Next gate ------------------------------------------------------

/** Next never suggests eval or upload before the checkpoint has a passport and a signoff (seed 001). */
export const GATE_KEY = 'before eval or upload';

export type GateStage = 'passport' | 'signoff' | 'signed';

export function gateText(stage: GateStage, checkpoint: string, runId: string, verdict?: string): string {
  const ckpt = `\`${checkpoint}\``;
  if (stage === 'passport') {
    return `generate \`MODEL_PASSPORT.json\` + \`SIGNOFF.json\` for ${ckpt}: \`runlog ckpt passport ${checkpoint} --run ${runId}\`, then \`runlog ckpt signoff ${checkpoint} --verdict pass\``;
  }
  if (stage === 'signoff') return `passport written for ${ckpt}; sign it off first: \`runlog ckpt signoff ${checkpoint} --verdict pass\` (or soft_signal with --reason)`;
  return `${ckpt} has a verified passport and signoff (verdict ${verdict ?? 'pass'}); eval / upload / hand off may proceed`;
}

export function gateEdits(doc: RunLogDoc, stage: GateStage, checkpoint: string, runId: string, verdict?: string): Edit[] {
  const next = doc.section('Next', 'first');
  return next ? doc.fieldEdits(next, [[GATE_KEY, gateText(stage, checkpoint, runId, verdict)]]) : [];
}

// ---- record operations --------------------------------------------------

/** A dated note in Status that keeps the run's state: its first word is not a state word. */
function noteEdit(doc: RunLogDoc, at: Date, text: string): Edit {
  return doc.appendStatusEdit(`- ${statusStamp(at)} — ${text}`);
}

const sameCheckpoint = (a: string | null, b: string) => a !== null && (a === b || a.replace(/\/+$/, '') === b.replace(/\/+$/, ''));

export interface PruneRecordArgs {
  run: string;
  at: string;
  root: string;
  removed: { path: string; step: number }[];
  kept: { step: number; reasons: string[] }[];
}

export function applyPruneRecord(view: LedgerView, a: PruneRecordArgs): Applied<{ id: string; path: string; removed: number }> {
  const clean = scrubber(view);
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const steps = a.removed.map((r) => r.step).join(', ');
  const kept = a.kept.map((k) => `${k.step} (${k.reasons.join('+')})`).join(', ');
  const text = oneLine(clean(`pruned ${a.removed.length} checkpoint(s) under \`${a.root}\`: step ${steps || 'none'}; kept ${kept || 'none'}`));
  return {
    writes: [{ path, content: applyEdits(doc.src.text, [noteEdit(doc, new Date(a.at), text)]) }],
    subject: `${a.run}: log checkpoint prune`,
    result: { id: a.run, path, removed: a.removed.length },
  };
}

export interface PassportRecordArgs {
  run: string;
  at: string;
  checkpoint: string;
  step: number | null;
  sha256: string;
  weightFiles: number;
}

export function applyPassportRecord(view: LedgerView, a: PassportRecordArgs): Applied<{ id: string; path: string }> {
  const clean = scrubber(view);
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const ckpt = oneLine(clean(a.checkpoint));
  const edits: Edit[] = [noteEdit(doc, new Date(a.at), `passport written for \`${ckpt}\`${a.step !== null ? ` (step ${a.step})` : ''}: ${a.weightFiles} file(s), MODEL_PASSPORT.json sha256 ${a.sha256}`)];
  const results = doc.section('Results', 'first');
  if (results && sameCheckpoint(runArtifacts(doc).finalCheckpoint, ckpt)) edits.push(...doc.fieldEdits(results, [['passport', `\`MODEL_PASSPORT.json\` sha256 \`${a.sha256}\``]]));
  edits.push(...gateEdits(doc, 'signoff', ckpt, a.run));
  return { writes: [{ path, content: applyEdits(doc.src.text, edits) }], subject: `${a.run}: log checkpoint passport`, result: { id: a.run, path } };
}

export interface SignoffRecordArgs {
  run: string;
  at: string;
  checkpoint: string;
  verdict: 'pass' | 'soft_signal';
  reason?: string | null;
  sha256: string;
}

export function applySignoffRecord(view: LedgerView, a: SignoffRecordArgs): Applied<{ id: string; path: string }> {
  const clean = scrubber(view);
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const ckpt = oneLine(clean(a.checkpoint));
  const verdict = a.verdict === 'soft_signal' && a.reason ? `soft_signal (${oneLine(clean(a.reason))})` : a.verdict;
  const edits: Edit[] = [noteEdit(doc, new Date(a.at), `signoff for \`${ckpt}\`: verdict ${verdict}, SIGNOFF.json sha256 ${a.sha256}`)];
  const results = doc.section('Results', 'first');
  if (results && sameCheckpoint(runArtifacts(doc).finalCheckpoint, ckpt)) edits.push(...doc.fieldEdits(results, [['signoff', `\`${verdict}\``]]));
  edits.push(...gateEdits(doc, 'signed', ckpt, a.run, verdict));
  return { writes: [{ path, content: applyEdits(doc.src.text, edits) }], subject: `${a.run}: log checkpoint signoff`, result: { id: a.run, path } };
}

export interface SealRecordArgs {
  run: string;
  at: string;
  tag: string;
  target: string;
  milestone?: string;
  sealCommit?: string;
}

export function sealLine(a: Pick<SealRecordArgs, 'tag' | 'target' | 'sealCommit'>, at: Date): string {
  return `- \`${a.tag}\`: \`${a.target}\`${a.sealCommit ? ' (seal commit with the approved dirty-tree patch)' : ''} — ${humanDate(at)} (${isoSeconds(at)})`;
}

/** Records a seal once: a second record of the same tag changes nothing. */
export function applySealRecord(view: LedgerView, a: SealRecordArgs): Applied<{ id: string; path: string; recorded: boolean }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const subject = a.milestone ? `${a.run}: log seal (${a.milestone})` : `${a.run}: log final seal`;
  const seal = doc.section('Seal', 'first');
  if (seal?.bodyLines.some((l) => l.text.includes(`\`${a.tag}\``))) {
    return { writes: [], subject, result: { id: a.run, path, recorded: false } };
  }
  const at = new Date(a.at);
  const line = sealLine(a, at);
  const edits: Edit[] = [noteEdit(doc, at, `sealed: tag \`${a.tag}\` → \`${a.target.slice(0, 12)}\``)];
  if (seal) {
    const last = [...seal.bodyLines].reverse().find((l) => l.text.trim() !== '');
    const anchor = last ?? doc.src.lines[seal.headingIndex]!;
    edits.push({ start: anchor.next, end: anchor.next, text: doc.src.fragment(`${anchor.next === anchor.end ? '\n' : ''}${line}\n`) });
  } else {
    edits.push(newSectionEdit(doc, 'Seal', line));
  }
  return { writes: [{ path, content: applyEdits(doc.src.text, edits) }], subject, result: { id: a.run, path, recorded: true } };
}

/** A new `## <name>` section just before `## Next`, or at the end of the file. */
function newSectionEdit(doc: RunLogDoc, name: string, body: string): Edit {
  const next = doc.section('Next', 'first');
  const text = doc.src.text;
  if (next) return { start: next.start, end: next.start, text: doc.src.fragment(`## ${name}\n${body}\n\n`) };
  const lead = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return { start: text.length, end: text.length, text: doc.src.fragment(`${lead}## ${name}\n${body}\n`) };
}

export interface WandbRecordArgs {
  run: string;
  at: string;
  /** Heading of the Job block the W&B run belongs to; default the newest. */
  job?: string;
  local?: string;
  synced: string[];
}

export function applyWandbRecord(view: LedgerView, a: WandbRecordArgs): Applied<{ id: string; path: string; job: string }> {
  const clean = scrubber(view);
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const jobs = doc.view.jobs;
  const job = a.job === undefined ? jobs[jobs.length - 1] : jobs.find((j) => j.heading === a.job || j.heading === `Job (${a.job})`);
  if (!job) {
    throw usageError('JOB_BLOCK_NOT_FOUND', a.job === undefined ? `${a.run} has no Job block` : `${a.run} has no Job block "${a.job}"`, `name one of: ${jobs.map((j) => j.heading).join(', ') || '(none: add a ## Job block first)'}`);
  }
  const section = doc.outline.sections.find((s) => s.depth === 2 && s.line === job.line)!;
  const local = a.local ? `\`${oneLine(clean(a.local))}\`` : undefined;
  const synced = a.synced.map((u) => `\`${oneLine(clean(u))}\``).join(', ');
  const jobFields: [string, string][] = [];
  if (local) jobFields.push(['wandb_local', local]);
  if (synced) jobFields.push(['wandb_synced', synced]);
  const edits: Edit[] = doc.fieldEdits(section, jobFields);
  const wb = doc.section('W&B', 'first');
  const wbFields: [string, string][] = [];
  if (local) wbFields.push(['local', local]);
  if (synced) wbFields.push(['synced', synced]);
  if (wb) edits.push(...doc.fieldEdits(wb, wbFields));
  else edits.push(newSectionEdit(doc, 'W&B', wbFields.map(([k, v]) => `- ${k}: ${v}`).join('\n')));
  if (synced) edits.push(noteEdit(doc, new Date(a.at), `W&B synced: ${synced} (${job.heading})`));
  return { writes: [{ path, content: applyEdits(doc.src.text, edits) }], subject: `${a.run}: log W&B ${synced ? 'sync' : 'run'}`, result: { id: a.run, path, job: job.heading } };
}

export const checkpointStep = (p: string): number | null => parseStep(p.replace(/\/+$/, '').split('/').pop() ?? '');
