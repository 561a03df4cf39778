/**
 * The adapter every `ckpt` command shares: a `<run|dir>` argument becomes the
 * output root to scan and the lineage the run log records (launch source,
 * recovery sources, milestones). Paths written in a run log are relative to
 * the ledger root; paths on the command line are relative to the cwd.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { LineageOptions } from '../../checkpoints/index.js';
import { notFound } from '../../core/errors.js';
import type { Ledger } from '../../git/ledger-repo.js';
import { runArtifacts, type RunArtifacts } from '../../ledger/read/artifacts.js';
import { listRunFiles, resolveRun, type RunFile } from '../../ledger/read/runs.js';
import { RunLogDoc } from '../../markdown/runlog.js';
import type { WritePassportOptions } from '../../publish/passport.js';

export interface RunContext {
  run: RunFile;
  doc: RunLogDoc;
  artifacts: RunArtifacts;
}

export interface CheckpointContext {
  run: RunContext | null;
  root: string;
  lineage: LineageOptions;
  /** The final checkpoint, absolute, when the run log names one. */
  final: string | null;
}

export interface ContextFlags {
  outputRoot?: string;
  milestone?: number[];
  reject?: string[];
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

/** A path from the run log: absolute as written, relative to the ledger root otherwise. */
export function fromLedger(ledger: Ledger, p: string): string {
  return path.isAbsolute(p) ? p : path.resolve(ledger.root, p);
}

export function loadRun(ledger: Ledger, ref: string): RunContext {
  const run = resolveRun(ledger.root, ledger.config.runs_dir, ref);
  const doc = new RunLogDoc(readFileSync(run.abs, 'utf8'), run.path);
  return { run, doc, artifacts: runArtifacts(doc) };
}

/** Which run's log names this checkpoint (as its final checkpoint or under its output root)? */
export function findRunForCheckpoint(ledger: Ledger, ckpt: string): RunContext | null {
  const abs = path.resolve(ckpt);
  for (const f of listRunFiles(ledger.root, ledger.config.runs_dir)) {
    const ctx = loadRun(ledger, f.id);
    const { finalCheckpoint, outputRoot } = ctx.artifacts;
    if (finalCheckpoint && fromLedger(ledger, finalCheckpoint) === abs) return ctx;
    if (outputRoot && abs.startsWith(fromLedger(ledger, outputRoot) + path.sep)) return ctx;
  }
  return null;
}

export function checkpointContext(openLedger: () => Ledger, ref: string, flags: ContextFlags): CheckpointContext {
  const explicitRoot = flags.outputRoot ? path.resolve(flags.outputRoot) : null;
  const base: LineageOptions = {
    milestones: flags.milestone ?? [],
    rejected: (flags.reject ?? []).map((r) => path.resolve(r)),
  };
  if (!ref.endsWith('.md') && isDir(path.resolve(ref))) {
    return { run: null, root: explicitRoot ?? path.resolve(ref), lineage: base, final: null };
  }
  const ledger = openLedger();
  const run = loadRun(ledger, ref);
  const a = run.artifacts;
  const final = a.finalCheckpoint ? fromLedger(ledger, a.finalCheckpoint) : null;
  const root = explicitRoot ?? (a.outputRoot ? fromLedger(ledger, a.outputRoot) : final ? path.dirname(final) : null);
  if (!root) {
    throw notFound(
      'OUTPUT_ROOT_UNKNOWN',
      `${run.run.id} records no output root (Job \`output_root\`) and no Results \`checkpoint\``,
      'pass --output-root <dir>, or record `- output_root: `<dir>`` in the Job block',
    );
  }
  return {
    run,
    root,
    final,
    lineage: {
      launchSource: a.launchSource ? fromLedger(ledger, a.launchSource) : undefined,
      recoverySources: a.recoverySources.map((s) => fromLedger(ledger, s)),
      milestones: [...a.milestones, ...(flags.milestone ?? [])],
      rejected: base.rejected,
    },
  };
}

/** How the run log should name a checkpoint: as it already does, else relative to the ledger root when inside it. */
export function recordedName(ledger: Ledger, ctx: RunContext, abs: string): string {
  const final = ctx.artifacts.finalCheckpoint;
  if (final && fromLedger(ledger, final) === abs) return final;
  const rel = path.relative(ledger.root, abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel.split(path.sep).join('/');
}

export interface RunForCheckpoint {
  runId: string;
  recorded: string;
  ctx: RunContext;
}

/** The run a checkpoint belongs to: --run, else the passport's runlog.run_id, else the run log that names it. */
export async function runForCheckpoint(
  ledger: Ledger,
  root: string,
  runRef?: string,
): Promise<RunForCheckpoint | null> {
  let ctx: RunContext | null = null;
  if (runRef) ctx = loadRun(ledger, runRef);
  if (!ctx) {
    const { readPassport } = await import('../../publish/passport.js');
    const id = await readPassport(root).then(
      (p) => p.runlog?.run_id,
      () => undefined,
    );
    if (id)
      ctx = (() => {
        try {
          return loadRun(ledger, id);
        } catch {
          return null;
        }
      })();
  }
  ctx ??= findRunForCheckpoint(ledger, root);
  return ctx ? { runId: ctx.run.id, recorded: recordedName(ledger, ctx, root), ctx } : null;
}

export interface PassportInputs {
  root: string;
  runId: string;
  recorded: string;
  /** What the run log says of the checkpoint's origin; a parent is added only by the caller that knows it. */
  provenance: Omit<WritePassportOptions['provenance'], 'parent_checkpoint' | 'parent_description'>;
  runlog: WritePassportOptions['runlog'];
}

/** Credentials never go into a passport: `https://user:token@host/x` → `https://host/x`. */
const withoutCredentials = (url: string) => url.replace(/^([a-z][\w+.-]*:\/\/)[^@/]*@/i, '$1');

/**
 * The repository as a passport names it: a remote URL without credentials;
 * for a remote that is a path on this machine, only its name (a path is a
 * private detail that publish must not carry).
 */
function repoName(remote: string): string {
  const local =
    remote.startsWith('/') || remote.startsWith('.') || remote.startsWith('~') || /^file:\/\//i.test(remote);
  return local ? path.basename(remote.replace(/\/+$/, '')).replace(/\.git$/, '') : withoutCredentials(remote);
}

/**
 * The step from the directory name, else from metadata.json's `step`; when
 * both say one, they must agree.
 */
async function checkpointStep(root: string, given?: number): Promise<number> {
  if (given !== undefined) return given;
  const { usageError } = await import('../../core/errors.js');
  const { parseStep } = await import('../../checkpoints/index.js');
  const { readFile } = await import('node:fs/promises');
  const fromName = parseStep(path.basename(root));
  let fromMeta: number | null = null;
  try {
    const meta = JSON.parse(await readFile(path.join(root, 'metadata.json'), 'utf8')) as { step?: unknown };
    if (typeof meta.step === 'number' && Number.isSafeInteger(meta.step) && meta.step >= 0) fromMeta = meta.step;
  } catch {
    // No readable metadata.json: the name must say the step.
  }
  if (fromName !== null && fromMeta !== null && fromName !== fromMeta) {
    throw usageError(
      'CHECKPOINT_STEP_MISMATCH',
      `${path.basename(root)} says step ${fromName} but its metadata.json says ${fromMeta}`,
      'find out which is right and pass --step <n>; never guess the step',
    );
  }
  const step = fromName ?? fromMeta;
  if (step === null) {
    throw usageError(
      'CHECKPOINT_STEP_UNPARSED',
      `cannot parse a numeric step from ${path.basename(root)} or its metadata.json`,
      'pass --step <n>; never guess the step',
    );
  }
  return step;
}

export async function passportInputs(
  ledger: Ledger,
  checkpoint: string,
  opts: { run?: string; commit?: string; step?: number },
): Promise<PassportInputs> {
  const { usageError } = await import('../../core/errors.js');
  const { sha256File } = await import('../../core/hash.js');
  const root = path.resolve(checkpoint);
  if (!isDir(root))
    throw notFound(
      'CHECKPOINT_NOT_FOUND',
      `checkpoint ${root} is not a directory`,
      'pass the checkpoint directory (e.g. <output root>/checkpoints/100000)',
    );
  const found = await runForCheckpoint(ledger, root, opts.run);
  if (!found) {
    throw usageError(
      'RUN_REQUIRED',
      `no run log names checkpoint ${root} (as its Results checkpoint or under its output_root)`,
      'pass --run <run> to say which run produced it',
    );
  }
  const a = found.ctx.artifacts;
  const commit = opts.commit ?? a.gitSha;
  if (!commit) {
    throw usageError(
      'PASSPORT_COMMIT_REQUIRED',
      `${found.runId} records no launch git SHA in its Job blocks`,
      'record `- git_sha: <sha>` in the Job block, or pass --commit <sha> (the commit the checkpoint was trained from)',
    );
  }
  const step = await checkpointStep(root, opts.step);
  const remote = await ledger.git.remoteUrl(ledger.config.remote);
  const provenance: PassportInputs['provenance'] = {
    run_log_path: found.ctx.run.path,
    training_repo: a.repo ?? (remote ? repoName(remote) : path.basename(ledger.gitTop)),
    training_repo_commit: commit,
  };
  if (a.configSnapshot) {
    const abs = fromLedger(ledger, a.configSnapshot);
    const outputRoot = a.outputRoot ? fromLedger(ledger, a.outputRoot) : null;
    // Relative to the output root when inside it: a passport travels, cluster paths should not.
    provenance.config_snapshot_path =
      outputRoot && abs.startsWith(outputRoot + path.sep)
        ? path.relative(outputRoot, abs).split(path.sep).join('/')
        : a.configSnapshot;
    const sha = a.configSha256 ?? (await sha256File(abs).catch(() => null));
    if (sha) provenance.merged_config_sha256 = sha;
  }
  return {
    root,
    runId: found.runId,
    recorded: found.recorded,
    provenance,
    runlog: { run_id: found.runId, step, attempt: found.ctx.doc.view.attempt },
  };
}
