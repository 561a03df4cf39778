/**
 * Preflight: every check that can refuse a launch before compute is used.
 * All rules run, so a rejection lists
 * every reason at once instead of one per attempt.
 */
import type { Executor, JobSpec } from '../executors/types.js';
import type { PolicySettings } from '../config/jobs.js';
import { checkCheckpoint } from './checkpoint.js';
import { checkConfig } from './config-file.js';
import { inspectTree, type TreeState } from './git-tree.js';
import { decidePlacement } from './policy.js';
import { checkScript, scriptOf } from './script.js';
import type { PreflightFacts, PreflightReason, PreflightReport } from './types.js';

export type { PreflightFacts, PreflightReason, PreflightReport, PreflightRule } from './types.js';
export { ledgerExcludes } from './git-tree.js';
export { snapshotConfig } from './config-file.js';
export { decidePlacement, lightType, scarceParts } from './policy.js';

export interface PreflightInput {
  spec: JobSpec;
  executor: Executor;
  /** Where the job runs, for the placement record (host name, cluster profile). */
  target: string;
  runType: string | null;
  subtype: string | null;
  /** From the run log's Config section. */
  declaredScript?: string;
  configPath?: string;
  initFrom?: string;
  allowDirty: boolean;
  overridePolicy?: string;
  policy: PolicySettings;
  /** Pathspecs the dirty check leaves out (the ledger's own records). */
  dirtyExcludes: string[];
  /** Facts shared by the entries of one launch wave, computed once (see newPreflightMemo). */
  memo?: PreflightMemo;
}

/**
 * What a launch wave of many entries would otherwise ask once per entry:
 * the git tree of a working directory, a script's tracking at a commit, the
 * cluster's answer to a request (two Slurm calls), the interpreter's
 * version. A 1,000-entry wave then costs a few calls, not thousands.
 */
export interface PreflightMemo {
  trees: Map<string, Promise<TreeState | undefined>>;
  scripts: Map<string, Promise<PreflightReason[]>>;
  targets: Map<string, Promise<string[]>>;
  versions: Map<string, Promise<string | undefined>>;
}

export function newPreflightMemo(): PreflightMemo {
  return { trees: new Map(), scripts: new Map(), targets: new Map(), versions: new Map() };
}

function remember<T>(map: Map<string, Promise<T>> | undefined, key: string, compute: () => Promise<T>): Promise<T> {
  if (!map) return compute();
  let p = map.get(key);
  if (!p) {
    p = compute();
    map.set(key, p);
  }
  return p;
}

export interface PreflightResult extends PreflightReport {
  /** The dirty patch, to save next to the output when the launch goes ahead. */
  patch: string;
  configAbs?: string;
}

const declared = (v: string | undefined) => (v === undefined || v === '' || v === 'n/a' ? undefined : v);

export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { spec } = input;
  const reasons: PreflightReason[] = [];
  const facts: PreflightFacts = {};

  const memo = input.memo;
  const tree = await remember(memo?.trees, `${spec.cwd}\0${input.dirtyExcludes.join('\0')}`, () =>
    inspectTree(spec.cwd, input.dirtyExcludes),
  );
  if (tree) {
    facts.gitTop = tree.top;
    facts.gitSha = tree.sha ?? undefined;
    facts.dirty = tree.dirtyPaths.length > 0;
    facts.dirtyPaths = tree.dirtyPaths;
    facts.patchSha256 = tree.patchSha256;
    if (tree.sha === null)
      reasons.push({ rule: 'git', message: `${tree.top} has no commit yet; commit the code before launching from it` });
    if (facts.dirty && !input.allowDirty) {
      const shown =
        tree.dirtyPaths.slice(0, 5).join(', ') +
        (tree.dirtyPaths.length > 5 ? `, … (${tree.dirtyPaths.length} files)` : '');
      reasons.push({
        rule: 'dirty_tree',
        message: `the working tree has uncommitted changes (${shown}); commit or stash them, or pass --allow-dirty to record the patch`,
      });
    }
    // Remote executors hand off exactly this commit.
    if (tree.sha !== null) spec.source = { gitTop: tree.top, sha: tree.sha };
  } else {
    reasons.push({
      rule: 'git',
      message: `${spec.cwd} is not inside a git repository, so the launched code cannot be traced`,
    });
  }

  const script = scriptOf(spec.argv, declared(input.declaredScript));
  if (script !== undefined) {
    facts.script = script;
    if (spec.source) spec.source.script = script;
    reasons.push(
      ...(await remember(memo?.scripts, `${script}\0${spec.cwd}\0${tree?.sha ?? ''}`, () =>
        checkScript(script, spec.cwd, tree && { top: tree.top, sha: tree.sha }),
      )),
    );
  }

  let configAbs: string | undefined;
  const configPath = declared(input.configPath);
  if (configPath !== undefined) {
    const c = checkConfig(configPath, spec.cwd);
    reasons.push(...c.reasons);
    facts.config = configPath;
    facts.configSha256 = c.sha256;
    configAbs = c.abs;
  }

  if (input.initFrom !== undefined) {
    const c = checkCheckpoint(input.initFrom, spec.cwd);
    reasons.push(...c.reasons);
    facts.initFrom = c.abs ?? input.initFrom;
    facts.initFromStep = c.step;
  }

  // The local executor's checks look at this entry's own output directory; remote targets answer per request.
  const targetKey =
    input.executor.name === 'local'
      ? undefined
      : JSON.stringify([input.executor.name, input.target, spec.cwd, spec.argv[0], spec.resources, spec.host]);
  const target =
    targetKey === undefined
      ? input.executor.preflight(spec)
      : remember(memo?.targets, targetKey, () => input.executor.preflight(spec));
  for (const message of await target) reasons.push({ rule: 'target', message });

  const placement = decidePlacement(
    {
      executor: input.executor.name,
      target: input.target,
      runType: input.runType,
      subtype: input.subtype,
      resources: spec.resources,
      overrideReason: input.overridePolicy,
    },
    input.policy,
  );
  reasons.push(...placement.reasons);
  facts.placement = spec.placement ? `${placement.placement}; ${spec.placement}` : placement.placement;
  facts.policyOverride = placement.override;

  return { ok: reasons.length === 0, reasons, facts, patch: tree?.patch ?? '', configAbs };
}
