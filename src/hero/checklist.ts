/**
 * The hero launch checklist, printed and validated before anything is
 * launched: every value with where it came from, `(inferred)` when runlog
 * guessed it, and a reason when it blocks. Unclear code lineage, checkpoint
 * or output identity blocks the launch; nothing here starts compute.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ChecklistEntry } from '../schemas/output.js';
import { scrubArgv, type ScrubRule } from '../core/scrub/scrub.js';
import { field, type LaunchedInstance } from '../markdown/logbook.js';
import { checkCheckpoint } from '../preflight/checkpoint.js';
import { checkConfig } from '../preflight/config-file.js';
import { inspectTree } from '../preflight/git-tree.js';
import { diffConfigs, flattenConfig, type ConfigChange } from '../signals/detectors/config-drift.js';

export interface LaunchRequest {
  argv: string[];
  cwd: string;
  executor: string;
  outputRoot?: string;
  wandbId?: string;
  wandbName?: string;
  resumePolicy?: string;
  retention?: string;
  rollbackDepth?: number;
  initializeFrom?: string;
  config?: string;
  finalStep?: number;
  container?: string;
  hardware?: string;
  dri?: string;
  approvedBy?: string;
  ackDrift: boolean;
  newLineage: boolean;
  cadence?: string;
}

export interface Checklist {
  items: ChecklistEntry[];
  blocked: string[];
  drift: ConfigChange[];
  /** The flattened config (for the snapshot next to the logbook), or null without --config. */
  config: Record<string, unknown> | null;
  configSha256?: string;
  sha: string | null;
  dirty: { paths: string[]; patchSha256?: string };
  initializeFrom?: { abs: string; step: number };
  finalStep: number | null;
  outputRoot: string | null;
  wandb: string;
  command: string;
}

export interface ChecklistContext {
  contract: Record<string, string>;
  previous: LaunchedInstance | undefined;
  previousConfig: Record<string, unknown> | null;
  excludes: string[];
  scrubRules: readonly ScrubRule[];
}

/** Config keys that name the final training step, most specific first. */
const FINAL_STEP_KEYS = [
  /(^|\.)num_train_steps$/,
  /(^|\.)max_steps$/,
  /(^|\.)total_steps$/,
  /(^|\.)train_steps$/,
  /(^|\.)num_steps$/,
  /(^|\.)final_step$/,
  /^steps$/,
];

export function finalStepFromConfig(flat: Record<string, unknown>): { key: string; step: number } | null {
  for (const re of FINAL_STEP_KEYS) {
    for (const [key, v] of Object.entries(flat)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (re.test(key) && Number.isSafeInteger(n) && n > 0) return { key, step: n };
    }
  }
  return null;
}

const strip = (v: string | undefined) =>
  (v ?? '')
    .replace(/`/g, '')
    .replace(/\s*\(inferred\)\s*$/, '')
    .trim();
const unset = (v: string) => v === '' || /^(not set|none|n\/a|tbd)\b/i.test(v);

/** Records one checklist item; a reason makes it block the launch. */
type Add = (item: string, value: string, source: ChecklistEntry['source'], reason?: string) => void;

/**
 * Every item in the order it is printed. Each step adds its items and returns
 * what the launch needs from them; a step never starts anything.
 */
export async function buildChecklist(req: LaunchRequest, ctx: ChecklistContext): Promise<Checklist> {
  const items: ChecklistEntry[] = [];
  const blocked: string[] = [];
  const add: Add = (item, value, source, reason) => {
    items.push({ item, value, source, ok: reason === undefined, ...(reason ? { reason } : {}) });
    if (reason) blocked.push(`${item}: ${reason}`);
  };
  const c = ctx.contract;

  const { command, tree } = await codeIdentity(req, ctx, add);
  const outputRoot = outputRootItem(req, c, add);
  const wandb = wandbItem(req, ctx, add);
  retentionItem(req, c, add);
  const initializeFrom = initializeFromItem(req, ctx, add);
  const { flat, configSha256, finalStep } = configItems(req, c, add);
  add(
    'Source bundle/container',
    req.container ?? `none; code identity is the git SHA (inferred)`,
    req.container ? 'flag' : 'inferred',
  );
  add(
    'Hardware/topology',
    `${req.executor}${req.hardware ? `: ${req.hardware}` : ''}`,
    req.hardware ? 'flag' : 'inferred',
  );
  peopleItems(req, c, add);
  const drift = ctx.previous ? driftItem(req, ctx.previous, ctx.previousConfig, flat, command, add) : [];

  return {
    items,
    blocked,
    drift,
    config: flat,
    configSha256,
    sha: tree?.sha ?? null,
    dirty: { paths: tree?.dirtyPaths ?? [], patchSha256: tree?.patchSha256 },
    initializeFrom,
    finalStep,
    outputRoot: outputRoot ?? null,
    wandb,
    command,
  };
}

/** The command (scrubbed), the git SHA and whether the tree is dirty: what code this launch runs. */
async function codeIdentity(req: LaunchRequest, ctx: ChecklistContext, add: Add) {
  const command = scrubArgv(req.argv, ctx.scrubRules).join(' ');
  add('Command', command || '(none)', 'flag', req.argv.length === 0 ? 'no command given; pass it after --' : undefined);
  const tree = await inspectTree(req.cwd, ctx.excludes);
  const sha = tree?.sha ?? null;
  add(
    'Git SHA',
    sha ?? '(none)',
    'git',
    sha ? undefined : `${req.cwd} is not in a git repository with a commit; the code lineage is unknown`,
  );
  const dirtyPaths = tree?.dirtyPaths ?? [];
  if (dirtyPaths.length === 0) add('Dirty tree', 'no', 'git');
  else if (req.approvedBy)
    add(
      'Dirty tree',
      `yes, approved by ${req.approvedBy}, patch sha256 ${tree?.patchSha256 ?? '(none)'} (${dirtyPaths.length} file(s))`,
      'flag',
    );
  else
    add(
      'Dirty tree',
      `yes: ${dirtyPaths.slice(0, 5).join(', ')}${dirtyPaths.length > 5 ? ', …' : ''}`,
      'git',
      'uncommitted code changes; commit them, or pass --approved-by <person> to launch dirty (the patch hash is recorded)',
    );
  return { command, tree };
}

/** A pinned (absolute) output root; another one than the Run Contract's is a new lineage. */
function outputRootItem(req: LaunchRequest, c: Record<string, string>, add: Add): string | undefined {
  const contractRoot = strip(field(c, 'Output root'));
  const outputRoot = req.outputRoot ?? (unset(contractRoot) ? undefined : contractRoot);
  if (!outputRoot)
    add(
      'Output root',
      '(none)',
      'contract',
      'no pinned output root: pass --output-root <absolute path> or set it in the Run Contract',
    );
  else if (!(outputRoot.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(outputRoot)))
    add('Output root', outputRoot, req.outputRoot ? 'flag' : 'contract', 'not pinned: use an absolute path or URI');
  else if (
    req.outputRoot &&
    contractRoot &&
    !unset(contractRoot) &&
    req.outputRoot !== contractRoot &&
    !req.newLineage
  ) {
    add(
      'Output root',
      outputRoot,
      'flag',
      `differs from the Run Contract (${contractRoot}); a different output root is a new lineage: pass --new-lineage to mean it`,
    );
  } else add('Output root', outputRoot, req.outputRoot ? 'flag' : 'contract');
  return outputRoot;
}

/** The W&B identity (flag, previous instance, Run Contract, or none) and resume policy; returns the recorded line. */
function wandbItem(req: LaunchRequest, ctx: ChecklistContext, add: Add): string {
  const contractWandb = strip(field(ctx.contract, 'W&B'));
  const prevWandb = strip(ctx.previous ? field(ctx.previous.fields, 'W&B') : undefined).replace(/;.*$/, '');
  let wandb: string;
  let wandbSource: ChecklistEntry['source'] = 'flag';
  if (req.wandbId) wandb = `id ${req.wandbId}${req.wandbName ? `, name ${req.wandbName}` : ''}`;
  else if (prevWandb && !unset(prevWandb)) {
    wandb = prevWandb;
    wandbSource = 'previous';
  } else if (!unset(contractWandb)) {
    wandb = contractWandb;
    wandbSource = 'contract';
  } else {
    wandb = 'none';
    wandbSource = 'inferred';
  }
  const policy = req.resumePolicy ?? 'allow';
  const wandbReason =
    ctx.previous && req.wandbId && prevWandb && !unset(prevWandb) && prevWandb !== wandb && !req.newLineage
      ? `W&B identity differs from the previous instance (${prevWandb}); a new W&B id is a new lineage: pass --new-lineage to mean it`
      : undefined;
  add('W&B', `${wandb}; resume ${policy}${req.resumePolicy ? '' : ' (inferred)'}`, wandbSource, wandbReason);
  return `${wandb}; resume ${policy}`;
}

/** Retention must be chosen before launch, with a rollback depth (given, or read from "keep the last N"). */
function retentionItem(req: LaunchRequest, c: Record<string, string>, add: Add): void {
  const retention = req.retention ?? strip(field(c, 'Checkpoint retention', 'Checkpoint policy', 'Retention'));
  const depthFromText = /keep(?:ing)?(?: the)?(?: (?:last|previous|latest))? (\d+)/i.exec(retention)?.[1];
  const depth = req.rollbackDepth ?? (depthFromText ? Number(depthFromText) : undefined);
  if (unset(retention))
    add(
      'Checkpoint retention',
      '(none)',
      'contract',
      'hero runs must choose retention before launch: pass --retention or set it in the Run Contract',
    );
  else if (depth === undefined)
    add(
      'Checkpoint retention',
      retention,
      req.retention ? 'flag' : 'contract',
      'no rollback depth: pass --rollback-depth <n> (checkpoints kept for rollback)',
    );
  else
    add(
      'Checkpoint retention',
      `${retention}; rollback depth ${depth}${req.rollbackDepth === undefined ? ' (inferred)' : ''}`,
      req.retention ? 'flag' : req.rollbackDepth === undefined ? 'inferred' : 'contract',
    );
}

/** A checkpoint to start from must be complete; without one the run starts fresh or resumes from its output root. */
function initializeFromItem(req: LaunchRequest, ctx: ChecklistContext, add: Add): Checklist['initializeFrom'] {
  if (!req.initializeFrom) {
    add(
      'initialize_from',
      ctx.previous ? 'none; the trainer resumes from its output root (inferred)' : 'none; fresh start (inferred)',
      'inferred',
    );
    return undefined;
  }
  const ck = checkCheckpoint(req.initializeFrom, req.cwd);
  if (ck.reasons.length > 0 || ck.abs === undefined || ck.step === undefined) {
    add(
      'initialize_from',
      req.initializeFrom,
      'flag',
      ck.reasons.map((r) => r.message).join('; ') || 'checkpoint not usable',
    );
    return undefined;
  }
  add('initialize_from', `${ck.abs} (step ${ck.step}, metadata.json present)`, 'checkpoint');
  return { abs: ck.abs, step: ck.step };
}

/** The config (parsed and hashed) and the final step: from the config, the flag or the Run Contract, which must agree. */
function configItems(req: LaunchRequest, c: Record<string, string>, add: Add) {
  let flat: Record<string, unknown> | null = null;
  let configSha256: string | undefined;
  if (req.config) {
    const cc = checkConfig(req.config, req.cwd);
    if (cc.reasons.length > 0) add('Config', req.config, 'flag', cc.reasons.map((r) => r.message).join('; '));
    else {
      flat = flattenConfig(cc.data as Record<string, unknown>);
      configSha256 = cc.sha256;
      add(
        'Config',
        `${isAbsolute(req.config) ? req.config : resolve(req.cwd, req.config)} (sha256 ${cc.sha256})`,
        'config',
      );
    }
  }
  const fromConfig = flat ? finalStepFromConfig(flat) : null;
  const contractStep = Number(strip(field(c, 'Final step')).replace(/[,_]/g, ''));
  const contractFinal = Number.isSafeInteger(contractStep) && contractStep > 0 ? contractStep : null;
  let finalStep: number | null = null;
  if (fromConfig) {
    finalStep = fromConfig.step;
    const conflict =
      contractFinal !== null && contractFinal !== fromConfig.step
        ? `the config says ${fromConfig.step} (${fromConfig.key}) but the Run Contract says ${contractFinal}; fix one of them`
        : undefined;
    add('Final step', `${fromConfig.step} (${fromConfig.key} in the config)`, 'config', conflict);
  } else if (req.finalStep !== undefined) {
    finalStep = req.finalStep;
    add('Final step', String(req.finalStep), 'flag');
  } else if (contractFinal !== null) {
    finalStep = contractFinal;
    add('Final step', `${contractFinal} (from the Run Contract; no --config to resolve it from)`, 'contract');
  } else
    add(
      'Final step',
      '(none)',
      'contract',
      'no final step: pass --config (runlog reads num_train_steps/max_steps) or --final-step',
    );
  return { flat, configSha256, finalStep };
}

/** Who is responsible, and how often the run is checked. */
function peopleItems(req: LaunchRequest, c: Record<string, string>, add: Add): void {
  const dri = req.dri ?? strip(field(c, 'DRI'));
  if (unset(dri)) add('DRI', '(none)', 'contract', 'no DRI: pass --dri or set it in the Run Contract');
  else add('DRI', dri, req.dri ? 'flag' : 'contract');
  add(
    'Babysitter/check cadence',
    req.cadence ?? (strip(field(c, 'Check cadence')) || '15m (inferred)'),
    req.cadence ? 'flag' : 'contract',
  );
}

/** Config and command changes since the previous instance; a critical one blocks unless acknowledged. */
function driftItem(
  req: LaunchRequest,
  previous: LaunchedInstance,
  previousConfig: Record<string, unknown> | null,
  flat: Record<string, unknown> | null,
  command: string,
  add: Add,
): ConfigChange[] {
  const prevCommand = strip(field(previous.fields, 'Command'));
  const drift = previousConfig && flat ? diffConfigs({ previous: previousConfig, current: flat }) : [];
  if (prevCommand && prevCommand !== command)
    drift.push({ key: 'command', before: prevCommand, after: command, critical: true });
  const critical = drift.filter((d) => d.critical);
  const summary = drift
    .map((d) => `${d.key}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}${d.critical ? ' (critical)' : ''}`)
    .join('; ');
  const reason =
    critical.length > 0 && !req.ackDrift
      ? `unintended drift from instance "${previous.title}": ${critical.map((d) => d.key).join(', ')}; relaunch with the same config, or pass --ack-drift to mean it`
      : undefined;
  const noConfig = !flat || !previousConfig ? ' (no config snapshot to compare on one side)' : '';
  add(
    'Config drift vs previous instance',
    drift.length === 0 ? `none${noConfig}` : `${summary}${req.ackDrift ? ' (acknowledged)' : ''}`,
    'previous',
    reason,
  );
  return drift;
}

/** One line per item, as printed before launch; `(inferred)` on every guessed value. */
export function renderChecklist(items: readonly ChecklistEntry[]): string[] {
  return items.map((i) => {
    const inferred = i.source === 'inferred' && !i.value.includes('(inferred)') ? ' (inferred)' : '';
    return `${i.ok ? '  ok ' : 'BLOCK'} ${i.item}: ${i.value}${inferred}${i.reason ? `\n        → ${i.reason}` : ''}`;
  });
}
