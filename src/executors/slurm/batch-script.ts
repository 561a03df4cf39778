import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { usageError } from '../../core/errors.js';
import type { JobSpec, ResourceRequest } from '../types.js';
import { shellQuote, shellQuoteArgv } from '../../core/shell-quote.js';

export interface SlurmProfile {
  partition?: string;
  account?: string;
  qos?: string;
  constraint?: string;
  /** Extra sbatch options, one per element (`--exclusive`, `--reservation=x`). */
  extraArgs?: string[];
  /** GRES names (e.g. `gpu`) that light work must not tie up. */
  scarceGres?: string[];
  /** Resources a job gets when its own request does not say. */
  defaults?: ResourceRequest;
}

/** The request with the profile's defaults under it: what preflight checks and sbatch gets. */
export function withProfileDefaults(spec: JobSpec, profile: SlurmProfile): JobSpec {
  if (!profile.defaults) return spec;
  const resources: ResourceRequest = { ...profile.defaults };
  // A GPU count from the job replaces the profile's GRES rather than mixing with it.
  if (spec.resources.gres !== undefined || spec.resources.gpus !== undefined) delete resources.gres;
  for (const [k, v] of Object.entries(spec.resources))
    if (v !== undefined) (resources as Record<string, unknown>)[k] = v;
  return { ...spec, resources };
}

export const OUTPUT_PATTERN = 'slurm-%j.out';

/** Job names are shown by squeue and used to narrow lookups: keep them plain. */
export function jobNameFor(runId: string): string {
  return runId.replace(/\//g, '_').replace(/[^A-Za-z0-9._-]/g, '_');
}

/** `%` starts a Slurm filename pattern; `%%` is a literal percent sign. */
function escapeFilenamePattern(path: string): string {
  return path.replace(/%/g, '%%');
}

/** The `--output` value as sbatch gets it (and squeue's STDOUT shows it): a pattern with `%j`. */
export function outputDirective(outputDir: string): string {
  return join(escapeFilenamePattern(outputDir), OUTPUT_PATTERN);
}

export function outputPathFor(outputDir: string, jobId: string): string {
  return join(outputDir, OUTPUT_PATTERN.replace('%j', jobId));
}

export function exitCodePathFor(outputDir: string, jobId: string): string {
  return join(outputDir, `exit-${jobId}.code`);
}

/**
 * sbatch reads `#SBATCH --opt="value"` with double quotes and no escapes, so a
 * value with a double quote, backslash or line break cannot be carried.
 */
function directiveProblem(what: string, value: string): string | undefined {
  if (/["\\\r\n]/.test(value))
    return `${what} contains a double quote, backslash or line break, which an #SBATCH line cannot carry: ${JSON.stringify(value)}`;
  return undefined;
}

function directive(option: string, value?: string): string {
  if (value === undefined) return `#SBATCH ${option}`;
  return /[^A-Za-z0-9._/:,+@%-]/.test(value) || value === ''
    ? `#SBATCH ${option}="${value}"`
    : `#SBATCH ${option}=${value}`;
}

function extraDirective(arg: string): string {
  const eq = arg.indexOf('=');
  return eq < 0 ? directive(arg) : directive(arg.slice(0, eq), arg.slice(eq + 1));
}

/** `D-HH:MM:SS`, rounded up to whole minutes as Slurm would. */
export function slurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  return `${days}-${String(hours).padStart(2, '0')}:${String(mins).padStart(2, '0')}:00`;
}

/** The GRES string sbatch gets: `gpus` becomes `gpu:N`, next to any explicit gres. */
export function gresRequest(spec: JobSpec): string | undefined {
  const parts: string[] = [];
  if (spec.resources.gres) parts.push(...spec.resources.gres.split(',').filter((g) => g !== ''));
  if (spec.resources.gpus && spec.resources.gpus > 0 && !parts.some((g) => g.split(':')[0] === 'gpu'))
    parts.push(`gpu:${spec.resources.gpus}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** Everything that would stop the script from being written; empty when it can be. */
export function scriptProblems(spec: JobSpec, profile: SlurmProfile): string[] {
  const problems: string[] = [];
  if (spec.argv.length === 0) problems.push('the command is empty');
  if (spec.argv.some((a) => a.includes('\0'))) problems.push('an argument contains a NUL byte');
  if (!isAbsolute(spec.outputDir)) problems.push(`outputDir must be absolute: ${spec.outputDir}`);
  if (!isAbsolute(spec.cwd)) problems.push(`cwd must be absolute: ${spec.cwd}`);
  const checks: [string, string | undefined][] = [
    ['outputDir', spec.outputDir],
    ['idempotency key', spec.idempotencyKey],
    ['partition', spec.resources.partition ?? profile.partition],
    ['account', spec.resources.account ?? profile.account],
    ['qos', spec.resources.qos ?? profile.qos],
    ['constraint', spec.resources.constraint ?? profile.constraint],
    ['gres', gresRequest(spec)],
  ];
  for (const [what, value] of checks) {
    const p = value === undefined ? undefined : directiveProblem(what, value);
    if (p) problems.push(p);
  }
  for (const arg of profile.extraArgs ?? []) {
    if (!arg.startsWith('-'))
      problems.push(`profile extraArgs entries must be sbatch options starting with '-': ${JSON.stringify(arg)}`);
    const p = directiveProblem('a profile extraArgs entry', arg);
    if (p) problems.push(p);
  }
  return problems;
}

export function sbatchDirectives(spec: JobSpec, profile: SlurmProfile): string[] {
  const r = spec.resources;
  const lines = [
    directive('--job-name', jobNameFor(spec.runId)),
    directive('--output', outputDirective(spec.outputDir)),
    directive('--comment', spec.idempotencyKey),
  ];
  const partition = r.partition ?? profile.partition;
  const account = r.account ?? profile.account;
  const qos = r.qos ?? profile.qos;
  const constraint = r.constraint ?? profile.constraint;
  if (partition) lines.push(directive('--partition', partition));
  if (account) lines.push(directive('--account', account));
  if (qos) lines.push(directive('--qos', qos));
  if (constraint) lines.push(directive('--constraint', constraint));
  if (r.cpus && r.cpus > 0) lines.push(directive('--cpus-per-task', String(r.cpus)));
  if (r.memMb && r.memMb > 0) lines.push(directive('--mem', `${Math.ceil(r.memMb)}M`));
  const gres = gresRequest(spec);
  if (gres) lines.push(directive('--gres', gres));
  if (r.timeLimitSec && r.timeLimitSec > 0) lines.push(directive('--time', slurmTime(r.timeLimitSec)));
  if (r.requeue === false) lines.push(directive('--no-requeue'));
  if (r.requeue === true) lines.push(directive('--requeue'));
  for (const arg of profile.extraArgs ?? []) lines.push(extraDirective(arg));
  return lines;
}

/** templates/slurm.sbatch, found from this module in both src/ and dist/ layouts. */
export function defaultTemplatePath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i += 1) {
    const candidate = join(dir, 'templates', 'slurm.sbatch');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw usageError(
    'SLURM_TEMPLATE_MISSING',
    'templates/slurm.sbatch was not found next to the runlog installation',
    'reinstall runlog or pass templatePath to the Slurm executor',
  );
}

export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) {
      throw usageError(
        'SLURM_TEMPLATE_PLACEHOLDER',
        `the Slurm batch template uses an unknown placeholder {{${key}}}`,
        `use only ${Object.keys(values).join(', ')}`,
      );
    }
    return value;
  });
}

export function renderBatchScript(template: string, spec: JobSpec, profile: SlurmProfile): string {
  return renderTemplate(template, {
    DIRECTIVES: sbatchDirectives(spec, profile).join('\n'),
    JOB_NAME: jobNameFor(spec.runId),
    OUTPUT_DIR: shellQuote(spec.outputDir),
    CWD: shellQuote(spec.cwd),
    COMMAND: shellQuoteArgv(spec.argv),
  });
}
