/**
 * Provenance for the Job block, so any run can be traced back: the runtime the
 * command will use, the allow-listed environment, and the fields every
 * launch records. Everything passes the scrubber before it is written.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { scrubArgv, scrubEnv } from '../core/scrub/scrub.js';
import type { JobField } from '../ledger/ops/jobs.js';
import type { PreflightFacts } from '../preflight/index.js';
import { humanDate, isoSeconds } from '../core/time.js';
import { argvField, clock, code, F } from './attempt.js';
import type { LaunchPlan } from './plan.js';

const VERSIONED = /^(?:python[\d.]*|node|ruby|julia|Rscript|perl|bash)$/;

function versionOf(command: string, cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['--version'], { cwd, timeout: 5000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const line = `${stdout}\n${stderr}`
        .split('\n')
        .map((l) => l.trim())
        .find(Boolean);
      resolve(err || !line ? undefined : line);
    });
  });
}

/** `runlog node v20.11.1; python3: Python 3.11.4`: runlog's runtime and the command's interpreter. */
export async function runtimeVersions(
  argv: readonly string[],
  cwd: string,
  memo?: Map<string, Promise<string | undefined>>,
): Promise<string> {
  const parts = [`runlog node ${process.version}`];
  const command = argv[0];
  if (command !== undefined && VERSIONED.test(basename(command))) {
    const key = `${command}\0${cwd}`;
    const asked = memo?.get(key) ?? versionOf(command, cwd);
    memo?.set(key, asked);
    const v = await asked;
    if (v) parts.push(`${basename(command)}: ${v}`);
  }
  return parts.join('; ');
}

export function envField(env: NodeJS.ProcessEnv, allow: readonly string[]): string | undefined {
  const picked = scrubEnv(env, allow);
  const names = Object.keys(picked);
  return names.length === 0 ? undefined : names.map((n) => `${n}=${picked[n]}`).join(', ');
}

const yesNo = (b: boolean | undefined) => (b ? 'yes' : 'no');

/** The fields written before anything is started (also on a rejection). */
export function planFields(
  plan: LaunchPlan,
  facts: PreflightFacts,
  extra: {
    attempt: number;
    outputDir: string;
    outputRoot?: string;
    dataset?: string;
    versions: string;
    env?: string;
    at: Date;
  },
): JobField[] {
  const out: JobField[] = [
    [F.executor, plan.executor],
    [F.attempt, String(extra.attempt)],
    [F.submitted, code(isoSeconds(extra.at))],
    [F.submittedHuman, code(humanDate(extra.at))],
    ['command', argvField(scrubArgv(plan.argv))],
    ['cwd', code(plan.cwd)],
    ...(extra.outputRoot ? ([['output_root', code(extra.outputRoot)]] as JobField[]) : []),
    [F.outputDir, code(extra.outputDir)],
    ['git_sha', code(facts.gitSha ?? 'unknown')],
    ['git_dirty', yesNo(facts.dirty)],
    [F.timeout, plan.timeoutMs > 0 ? clock(plan.timeoutMs) : 'none'],
    [F.heartbeat, clock(plan.heartbeatMs)],
    [F.retries, String(plan.retries)],
    ...(plan.infraRetries !== undefined ? [[F.infraRetries, String(plan.infraRetries)] as JobField] : []),
    [F.stallAction, plan.stallAction],
    ['runtime_env', code(extra.versions)],
  ];
  if (plan.cluster) out.splice(1, 0, [F.cluster, plan.cluster]);
  if (plan.host) out.splice(1, 0, ['host', code(plan.host)]);
  if (plan.tags && plan.tags.length > 0) out.push(['tags', code(plan.tags.join(', '))]);
  if (facts.patchSha256) out.push(['patch_sha256', code(facts.patchSha256)]);
  if (facts.patchPath) out.push(['patch', code(facts.patchPath)]);
  if (facts.script) out.push(['script', code(facts.script)]);
  if (facts.config) out.push(['config', code(facts.config)]);
  if (facts.configSnapshot) out.push(['config_snapshot', code(facts.configSnapshot)]);
  if (facts.configSha256) out.push(['config_sha256', code(facts.configSha256)]);
  if (extra.dataset && extra.dataset !== 'n/a') out.push(['dataset', code(extra.dataset)]);
  if (facts.initFrom) out.push(['initialize_from', code(facts.initFrom)]);
  if (facts.initFromStep !== undefined) out.push(['init_from_step', String(facts.initFromStep)]);
  const resources = Object.entries(plan.resources)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  out.push(['resources', resources === '' ? 'none requested' : code(resources)]);
  if (facts.placement) out.push(['placement', facts.placement]);
  if (facts.policyOverride) out.push(['policy_override', facts.policyOverride]);
  if (plan.image) out.push(['image', code(plan.image)]);
  if (extra.env) out.push(['env_vars', code(extra.env)]);
  return out;
}
