/**
 * Seal: before a tag pins a result, verify that the result is really there:
 * a successful terminal state, a complete final
 * checkpoint, a valid passport when the ledger requires one, W&B final
 * metrics when a W&B run is recorded, and the launch commit itself. Every
 * missing item is named at once; nothing is tagged until none is missing.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { failed, usageError } from '../core/errors.js';
import { commitExists } from '../git/tags.js';
import type { Ledger } from '../git/ledger-repo.js';
import { runArtifacts, field, type RunArtifacts } from '../ledger/read/artifacts.js';
import type { RunLogDoc } from '../markdown/runlog.js';
import { sha256File } from '../core/hash.js';
import { compileRules, scrub } from '../core/scrub/scrub.js';
import { verifyCheckpoint } from './verify.js';

export const SealConfigSchema = z
  .object({
    /** The final checkpoint must carry a valid MODEL_PASSPORT.json. */
    require_passport: z.boolean().default(false),
    /** ...and SIGNOFF.json (only read when require_passport is on). */
    require_signoff: z.boolean().default(true),
  })
  .default({ require_passport: false, require_signoff: true });
export type SealConfig = z.infer<typeof SealConfigSchema>;

export function readSealConfig(config: Record<string, unknown>): SealConfig {
  const parsed = SealConfigSchema.safeParse(config['seal']);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw usageError(
      'BAD_CONFIG',
      `runlog.config.yaml: seal.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      'seal takes {require_passport: bool, require_signoff: bool}',
    );
  }
  return parsed.data;
}

export interface SealOptions {
  milestone?: string;
  /** A milestone's checkpoint (absolute); a final seal uses Results `checkpoint`. */
  checkpoint?: string;
  /** An offline W&B run dir to read the summary from, when the run log records only a URL. */
  wandbDir?: string;
  caveats: string[];
}

export interface SealMissing {
  item:
    | 'state'
    | 'final_step'
    | 'final_metrics'
    | 'checkpoint'
    | 'passport'
    | 'wandb_summary'
    | 'launch_commit'
    | 'dirty_patch';
  message: string;
}

export interface SealPlan {
  tag: string;
  target: string;
  patch?: string;
  message: string;
  missing: SealMissing[];
}

const inLedger = (ledger: Ledger, p: string) => (path.isAbsolute(p) ? p : path.resolve(ledger.root, p));
const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );
const NOT_METRICS = new Set([
  'runtime',
  'final step',
  'final_step',
  'checkpoint',
  'config_snapshot',
  'loss_one_liner',
  'passport',
  'signoff',
  'checkpoint_hash',
  'caveats',
  'seal',
]);

/** Numeric Results fields: the final metrics a seal carries. */
export function finalMetrics(doc: RunLogDoc): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, raw] of Object.entries(doc.view.results ?? {})) {
    if (NOT_METRICS.has(k)) continue;
    const v = raw.replace(/`/g, '').trim();
    if (/^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?$/i.test(v)) out[k] = Number(v);
  }
  return out;
}

export function sealTagName(runId: string, milestone?: string): string {
  return `seal/${runId}${milestone ? `/${milestone}` : ''}`;
}

async function checkWandb(
  ledger: Ledger,
  a: RunArtifacts,
  opts: SealOptions,
): Promise<{ missing?: string; line?: string }> {
  const recorded = a.wandbLocal.length > 0 || a.wandbSynced.length > 0;
  if (!recorded && !opts.wandbDir) return {};
  const { readWandbRuns } = await import('../wandb/index.js');
  const candidates = opts.wandbDir
    ? [path.resolve(opts.wandbDir)]
    : a.wandbLocal.flatMap((l) => [
        inLedger(ledger, l),
        ...(a.outputRoot ? [path.resolve(inLedger(ledger, a.outputRoot), l)] : []),
      ]);
  for (const dir of candidates) {
    if (!(await exists(dir))) continue;
    const runs = await readWandbRuns(dir).catch(() => []);
    const last = runs[runs.length - 1];
    if (!last) continue;
    const metrics = Object.entries(last.summary ?? {}).filter(([k, v]) => !k.startsWith('_') && typeof v === 'number');
    if (metrics.length === 0)
      return { missing: `the W&B run ${last.id} has no final metrics in files/wandb-summary.json` };
    return {
      line: `${last.id}${a.wandbSynced[0] ? ` ${a.wandbSynced[0]}` : ''} (summary: ${metrics
        .slice(0, 6)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ')})`,
    };
  }
  if (a.wandbLocal.length === 0 && !opts.wandbDir) {
    return {
      missing: `only a W&B URL is recorded (${a.wandbSynced[0]}); pass --wandb-dir <offline run dir> so its final summary can be checked`,
    };
  }
  return { missing: `the recorded W&B run dir (${opts.wandbDir ?? a.wandbLocal.join(', ')}) is not readable here` };
}

/**
 * What a seal would tag and say, and every item that is missing for it. Each
 * check adds what it finds missing; the caller refuses when any is.
 */
export async function planSeal(ledger: Ledger, runId: string, doc: RunLogDoc, opts: SealOptions): Promise<SealPlan> {
  const a = runArtifacts(doc);
  const v = doc.view;
  const missing: SealMissing[] = [];
  checkState(v.state, opts.milestone, missing);
  const { step, metrics } = sealedProgress(doc, a, opts.milestone, missing);
  const ckptLine = await checkCheckpoint(ledger, a, opts, missing);
  const wandb = await checkWandb(ledger, a, opts);
  if (wandb.missing) missing.push({ item: 'wandb_summary', message: wandb.missing });
  // Only a checkpoint that passed its checks may vouch for the launch commit.
  const ckptRef =
    ckptLine === 'none' ? null : (opts.checkpoint ?? (a.finalCheckpoint ? inLedger(ledger, a.finalCheckpoint) : null));
  const { sha: launchSha, target } = await launchCommit(ledger, a, ckptRef, missing);

  const caveats = [...opts.caveats];
  const recordedCaveats = field(v.results, 'caveats');
  if (recordedCaveats) caveats.push(recordedCaveats);
  const patch = await dirtyPatch(ledger, a, missing, caveats);
  const signoff = field(v.results, 'signoff');
  if (signoff?.startsWith('soft_signal')) caveats.push(`signoff verdict ${signoff}`);

  const lines = [
    `seal ${runId}${opts.milestone ? ` milestone ${opts.milestone}` : ''}`,
    '',
    `final step: ${step ?? 'unknown'}`,
    `final metrics: ${
      Object.entries(metrics)
        .map(([k, val]) => `${k}=${val}`)
        .join(', ') || 'none'
    }`,
    `checkpoint: ${ckptLine}`,
    `W&B: ${wandb.line ?? (a.wandbSynced.join(', ') || 'none recorded')}`,
    `launch command: ${a.command ?? 'not recorded'}`,
    `launch commit: ${launchSha ?? 'not recorded'}${!a.gitSha && launchSha ? ' (from the passport)' : ''}`,
    `run log: ${doc.file}`,
  ];
  if (caveats.length > 0) lines.push('caveats:', ...caveats.map((c) => `- ${c}`));
  const message = scrub(lines.join('\n'), compileRules(ledger.config.scrub.rules));
  return { tag: sealTagName(runId, opts.milestone), target, patch, message, missing };
}

/** A final seal needs a completed run; a milestone may be sealed while the run goes on. */
function checkState(state: string, milestone: string | undefined, missing: SealMissing[]): void {
  const okStates = milestone ? ['completed', 'running', 'stalled'] : ['completed'];
  if (!okStates.includes(state))
    missing.push({ item: 'state', message: `the run is ${state}${milestone ? '' : '; a final seal needs completed'}` });
}

/** The step and metrics the seal names: Results' final ones, or for a milestone the latest Status entries'. */
function sealedProgress(doc: RunLogDoc, a: RunArtifacts, milestone: string | undefined, missing: SealMissing[]) {
  const status = [...doc.view.status].reverse();
  const step = milestone ? (status.find((e) => e.step !== null)?.step ?? null) : a.finalStep;
  if (step === null) missing.push({ item: 'final_step', message: 'Results records no `final step`' });
  const metrics = milestone
    ? (status.find((e) => Object.keys(e.metrics).length > 0)?.metrics ?? {})
    : finalMetrics(doc);
  if (Object.keys(metrics).length === 0)
    missing.push({ item: 'final_metrics', message: 'Results records no final metrics (e.g. end_train_loss)' });
  return { step, metrics };
}

/** The final checkpoint must exist here and be complete (and verify, when the config asks for a passport); returns its line. */
async function checkCheckpoint(
  ledger: Ledger,
  a: RunArtifacts,
  opts: SealOptions,
  missing: SealMissing[],
): Promise<string> {
  const cfg = readSealConfig(ledger.config);
  const ckptRef = opts.checkpoint ?? (a.finalCheckpoint ? inLedger(ledger, a.finalCheckpoint) : null);
  if (!ckptRef) {
    missing.push({ item: 'checkpoint', message: 'no final checkpoint is recorded (Results `checkpoint`)' });
    return 'none';
  }
  if (!(await exists(ckptRef))) {
    missing.push({ item: 'checkpoint', message: `the final checkpoint ${ckptRef} does not exist here` });
    return 'none';
  }
  if (!(await exists(path.join(ckptRef, 'metadata.json')))) {
    missing.push({ item: 'checkpoint', message: `the final checkpoint ${ckptRef} has no metadata.json (incomplete)` });
    return 'none';
  }
  if (!cfg.require_passport) return ckptRef;
  const report = await verifyCheckpoint(ckptRef, { requireSignoff: cfg.require_signoff });
  if (report.ok) return `${ckptRef} (passport verified${report.signoff ? `, signoff ${report.signoff.verdict}` : ''})`;
  missing.push({
    item: 'passport',
    message: `the final checkpoint's passport${cfg.require_signoff ? '/signoff' : ''} does not verify: ${report.failures.map((f) => f.message).join('; ')}`,
  });
  return ckptRef;
}

/**
 * The tag's target: the recorded launch commit, which must be in this
 * repository ('' when it is not). A run recorded by hand has no launch SHA in
 * its Job block; its final checkpoint's passport names the training commit.
 */
async function launchCommit(
  ledger: Ledger,
  a: RunArtifacts,
  checkpoint: string | null,
  missing: SealMissing[],
): Promise<{ sha: string | null; target: string }> {
  const sha = a.gitSha ?? (checkpoint ? await passportCommit(checkpoint) : null);
  if (!sha) {
    missing.push({
      item: 'launch_commit',
      message: "no launch git SHA is recorded in the Job blocks (`git_sha`) or in the final checkpoint's passport",
    });
    return { sha, target: '' };
  }
  const found = await commitExists(ledger.git, sha);
  if (found) return { sha, target: found };
  missing.push({
    item: 'launch_commit',
    message: `the launch commit ${sha} is not in this repository (fetch it first)`,
  });
  return { sha, target: '' };
}

/** A launch from a dirty tree is sealed with its recorded patch, which must exist and match its sha256. */
async function dirtyPatch(
  ledger: Ledger,
  a: RunArtifacts,
  missing: SealMissing[],
  caveats: string[],
): Promise<string | undefined> {
  if (!a.dirty) return undefined;
  if (!a.dirty.patch) {
    missing.push({
      item: 'dirty_patch',
      message: 'the launch used a dirty tree but no patch is recorded (`patch` in the Job block)',
    });
    return undefined;
  }
  const file = inLedger(ledger, a.dirty.patch);
  if (!(await exists(file))) {
    missing.push({ item: 'dirty_patch', message: `the recorded dirty-tree patch ${a.dirty.patch} does not exist` });
    return undefined;
  }
  if (a.dirty.patchSha256 && (await sha256File(file)) !== a.dirty.patchSha256.replace(/^sha256:/, '')) {
    missing.push({
      item: 'dirty_patch',
      message: `the dirty-tree patch ${a.dirty.patch} does not match its recorded sha256`,
    });
    return undefined;
  }
  caveats.push(
    `launched from a dirty tree (approved); the tag points at a seal commit with the recorded patch on ${a.gitSha?.slice(0, 12)}`,
  );
  return file;
}

/** `provenance.training_repo_commit` of the checkpoint's passport, when it has one. */
async function passportCommit(checkpoint: string): Promise<string | null> {
  try {
    const passport = JSON.parse(await readFile(path.join(checkpoint, 'MODEL_PASSPORT.json'), 'utf8')) as {
      provenance?: { training_repo_commit?: unknown };
    };
    const sha = passport.provenance?.training_repo_commit;
    return typeof sha === 'string' && /^[0-9a-f]{7,64}$/i.test(sha) ? sha : null;
  } catch {
    return null;
  }
}

export function refuseSeal(runId: string, missing: SealMissing[]) {
  return failed(
    'SEAL_REFUSED',
    `cannot seal ${runId}: ${missing.map((m) => `${m.item}: ${m.message}`).join('; ')}`,
    'fix each missing item (or record it in the run log), then run `runlog seal` again; nothing was tagged',
    {
      details: { missing },
    },
  );
}
