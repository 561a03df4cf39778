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
const FINAL_STEP_KEYS = [/(^|\.)num_train_steps$/, /(^|\.)max_steps$/, /(^|\.)total_steps$/, /(^|\.)train_steps$/, /(^|\.)num_steps$/, /(^|\.)final_step$/, /^steps$/];

export function finalStepFromConfig(flat: Record<string, unknown>): { key: string; step: number } | null {
  for (const re of FINAL_STEP_KEYS) {
    for (const [key, v] of Object.entries(flat)) {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
      if (re.test(key) && Number.isSafeInteger(n) && n > 0) return { key, step: n };
    }
  }
  return null;
}

const strip = (v: string | undefined) => (v ?? '').replace(/`/g, '').replace(/\s*\(inferred\)\s*$/, '').trim();
const unset = (v: string) => v === '' || /^(not set|none|n\/a|tbd)\b/i.test(v);

export async function buildChecklist(req: LaunchRequest, ctx: ChecklistContext): Promise<Checklist> {
  const items: ChecklistEntry[] = [];
  const blocked: string[] = [];
  const add = (item: string, value: string, source: ChecklistEntry['source'], reason?: string) => {
    items.push({ item, value, source, ok: reason === undefined, ...(reason ? { reason } : {}) });
    if (reason) blocked.push(`${item}: ${reason}`);
  };
  const c = ctx.contract;

  const command = scrubArgv(req.argv, ctx.scrubRules).join(' ');
  add('Command', command || '(none)', 'flag', req.argv.length === 0 ? 'no command given; pass it after --' : undefined);

  const tree = await inspectTree(req.cwd, ctx.excludes);
  const sha = tree?.sha ?? null;
  add('Git SHA', sha ?? '(none)', 'git', sha ? undefined : `${req.cwd} is not in a git repository with a commit; the code lineage is unknown`);
  const dirtyPaths = tree?.dirtyPaths ?? [];
  if (dirtyPaths.length === 0) add('Dirty tree', 'no', 'git');
  else if (req.approvedBy) add('Dirty tree', `yes, approved by ${req.approvedBy}, patch sha256 ${tree?.patchSha256 ?? '(none)'} (${dirtyPaths.length} file(s))`, 'flag');
  else add('Dirty tree', `yes: ${dirtyPaths.slice(0, 5).join(', ')}${dirtyPaths.length > 5 ? ', …' : ''}`, 'git', 'uncommitted code changes; commit them, or pass --approved-by <person> to launch dirty (the patch hash is recorded)');

  const contractRoot = strip(field(c, 'Output root'));
  const outputRoot = req.outputRoot ?? (unset(contractRoot) ? undefined : contractRoot);
  if (!outputRoot) add('Output root', '(none)', 'contract', 'no pinned output root: pass --output-root <absolute path> or set it in the Run Contract');
  else if (!(outputRoot.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\//i.test(outputRoot))) add('Output root', outputRoot, req.outputRoot ? 'flag' : 'contract', 'not pinned: use an absolute path or URI');
  else if (req.outputRoot && contractRoot && !unset(contractRoot) && req.outputRoot !== contractRoot && !req.newLineage) {
    add('Output root', outputRoot, 'flag', `differs from the Run Contract (${contractRoot}); a different output root is a new lineage: pass --new-lineage to mean it`);
  } else add('Output root', outputRoot, req.outputRoot ? 'flag' : 'contract');

  const contractWandb = strip(field(c, 'W&B'));
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

  const retention = req.retention ?? strip(field(c, 'Checkpoint retention', 'Checkpoint policy', 'Retention'));
  const depthFromText = /keep(?:ing)?(?: the)?(?: (?:last|previous|latest))? (\d+)/i.exec(retention)?.[1];
  const depth = req.rollbackDepth ?? (depthFromText ? Number(depthFromText) : undefined);
  if (unset(retention)) add('Checkpoint retention', '(none)', 'contract', 'hero runs must choose retention before launch: pass --retention or set it in the Run Contract');
  else if (depth === undefined) add('Checkpoint retention', retention, req.retention ? 'flag' : 'contract', 'no rollback depth: pass --rollback-depth <n> (checkpoints kept for rollback)');
  else add('Checkpoint retention', `${retention}; rollback depth ${depth}${req.rollbackDepth === undefined ? ' (inferred)' : ''}`, req.retention ? 'flag' : req.rollbackDepth === undefined ? 'inferred' : 'contract');

  let initializeFrom: Checklist['initializeFrom'];
  if (req.initializeFrom) {
    const ck = checkCheckpoint(req.initializeFrom, req.cwd);
    if (ck.reasons.length > 0 || ck.abs === undefined || ck.step === undefined) add('initialize_from', req.initializeFrom, 'flag', ck.reasons.map((r) => r.message).join('; ') || 'checkpoint not usable');
    else {
      initializeFrom = { abs: ck.abs, step: ck.step };
      add('initialize_from', `${ck.abs} (step ${ck.step}, metadata.json present)`, 'checkpoint');
    }
  } else add('initialize_from', ctx.previous ? 'none; the trainer resumes from its output root (inferred)' : 'none; fresh start (inferred)', 'inferred');

  let flat: Record<string, unknown> | null = null;
  let configSha256: string | undefined;
  if (req.config) {
    const cc = checkConfig(req.config, req.cwd);
    if (cc.reasons.length > 0) add('Config', req.config, 'flag', cc.reasons.map((r) => r.message).join('; '));
    else {
      flat = flattenConfig(cc.data as Record<string, unknown>);
      configSha256 = cc.sha256;
      add('Config', `${isAbsolute(req.config) ? req.config : resolve(req.cwd, req.config)} (sha256 ${cc.sha256})`, 'config');
    }
  }
  const fromConfig = flat ? finalStepFromConfig(flat) : null;
  const contractStep = Number(strip(field(c, 'Final step')).replace(/[,_]/g, ''));
  const contractFinal = Number.isSafeInteger(contractStep) && contractStep > 0 ? contractStep : null;
  let finalStep: number | null = null;
  if (fromConfig) {
    finalStep = fromConfig.step;
    const conflict = contractFinal !== null && contractFinal !== fromConfig.step ? `the config says ${fromConfig.step} (${fromConfig.key}) but the Run Contract says ${contractFinal}; fix one of them` : undefined;
    add('Final step', `${fromConfig.step} (${fromConfig.key} in the config)`, 'config', conflict);
  } else if (req.finalStep !== undefined) {
    finalStep = req.finalStep;
    add('Final step', String(req.finalStep), 'flag');
  } else if (contractFinal !== null) {
    finalStep = contractFinal;
    add('Final step', `${contractFinal} (from the Run Contract; no --config to resolve it from)`, 'contract');
  } else add('Final step', '(none)', 'contract', 'no final step: pass --config (runlog reads num_train_steps/max_steps) or --final-step');

  add('Source bundle/container', req.container ?? `none; code identity is the git SHA (inferred)`, req.container ? 'flag' : 'inferred');
  add('Hardware/topology', `${req.executor}${req.hardware ? `: ${req.hardware}` : ''}`, req.hardware ? 'flag' : 'inferred');

  const dri = req.dri ?? strip(field(c, 'DRI'));
  if (unset(dri)) add('DRI', '(none)', 'contract', 'no DRI: pass --dri or set it in the Run Contract');
  else add('DRI', dri, req.dri ? 'flag' : 'contract');
  add('Babysitter/check cadence', req.cadence ?? (strip(field(c, 'Check cadence')) || '15m (inferred)'), req.cadence ? 'flag' : 'contract');

  let drift: ConfigChange[] = [];
  if (ctx.previous) {
    const prevCommand = strip(field(ctx.previous.fields, 'Command'));
    if (ctx.previousConfig && flat) drift = diffConfigs({ previous: ctx.previousConfig, current: flat });
    if (prevCommand && prevCommand !== command) drift.push({ key: 'command', before: prevCommand, after: command, critical: true });
    const critical = drift.filter((d) => d.critical);
    const summary = drift.map((d) => `${d.key}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}${d.critical ? ' (critical)' : ''}`).join('; ');
    const reason = critical.length > 0 && !req.ackDrift ? `unintended drift from instance "${ctx.previous.title}": ${critical.map((d) => d.key).join(', ')}; relaunch with the same config, or pass --ack-drift to mean it` : undefined;
    const noConfig = !flat || !ctx.previousConfig ? ' (no config snapshot to compare on one side)' : '';
    add('Config drift vs previous instance', drift.length === 0 ? `none${noConfig}` : `${summary}${req.ackDrift ? ' (acknowledged)' : ''}`, 'previous', reason);
  }

  return {
    items,
    blocked,
    drift,
    config: flat,
    configSha256,
    sha,
    dirty: { paths: dirtyPaths, patchSha256: tree?.patchSha256 },
    initializeFrom,
    finalStep,
    outputRoot: outputRoot ?? null,
    wandb: `${wandb}; resume ${policy}`,
    command,
  };
}

/** One line per item, as printed before launch; `(inferred)` on every guessed value. */
export function renderChecklist(items: readonly ChecklistEntry[]): string[] {
  return items.map((i) => {
    const inferred = i.source === 'inferred' && !i.value.includes('(inferred)') ? ' (inferred)' : '';
    return `${i.ok ? '  ok ' : 'BLOCK'} ${i.item}: ${i.value}${inferred}${i.reason ? `\n        → ${i.reason}` : ''}`;
  });
}
