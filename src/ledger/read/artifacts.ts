/**
 * What a finished run left behind, as its run log records it: output root,
 * checkpoints and their lineage, git and config identity, W&B records. Works
 * on hand-kept logs: field names vary, and values may be wrapped in
 * backticks or carry an `(inferred)` label.
 */
import type { JobBlock, RunLogDoc } from '../../markdown/runlog.js';

const EMPTY = /^(?:pending|n\/a|na|none|null|-|\u2014|tbd|unknown|\(not submitted\))?$/i;

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
const CONFIG_SHA = [
  'config_snapshot_sha256',
  'config_sha256',
  'config_snapshot_hash',
  'config_hash',
  'merged_config_sha256',
];
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
    recoverySources: jobs
      .slice(1)
      .map((j) => field(j.fields, ...RESUMED_FROM))
      .filter((s): s is string => s !== null),
    gitSha: lastOf(jobs, GIT_SHA),
    repo: lastOf(jobs, ['training_repo', 'repo', 'repository']),
    command: lastOf(jobs, COMMAND),
    configSnapshot: lastOf(jobs, CONFIG_SNAPSHOT) ?? field(results, ...CONFIG_SNAPSHOT),
    configSha256: lastOf(jobs, CONFIG_SHA),
    dirty: isYes(dirtyRaw)
      ? {
          patch: lastOf(jobs, ['patch', 'dirty_patch', 'patch_path']),
          patchSha256: lastOf(jobs, ['patch_sha256', 'patch_hash', 'patch_identity']),
        }
      : null,
    wandbLocal: [...wandbLocal],
    wandbSynced: [...wandbSynced],
    milestones: (milestonesRaw ?? '')
      .split(/[\s,]+/)
      .map((s) => Number(s.replace(/_/g, '')))
      .filter((n) => Number.isSafeInteger(n) && n > 0),
    finalStep:
      finalStepRaw !== null && /^\d[\d,_]*$/.test(finalStepRaw) ? Number(finalStepRaw.replace(/[,_]/g, '')) : null,
  };
}

export function wandbUrls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/(?:[\w-]+\.)*wandb\.(?:ai|me)\/[^\s`)>\]]+/g)].map((m) => m[0]);
}
