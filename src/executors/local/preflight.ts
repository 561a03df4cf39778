import { accessSync, constants, existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import type { LocalHardware } from '../hardware.js';
import type { JobSpec } from '../types.js';
import { jobEnv } from './job-env.js';
import { localFile } from './files.js';

/** Reasons `spec` cannot run on this machine; empty when it can. `stateDir` is the attempt's local-state folder. */
export function localPreflight(spec: JobSpec, hardware: LocalHardware, stateDir: string): string[] {
  return [...resourceReasons(spec, hardware), ...commandReasons(spec), ...outputDirReasons(spec, stateDir)];
}

function resourceReasons(spec: JobSpec, hw: LocalHardware): string[] {
  const { cpus, memMb, gpus } = spec.resources;
  const reasons: string[] = [];
  if (cpus !== undefined && cpus > hw.cpus) reasons.push(`requested ${cpus} CPUs; this machine has ${hw.cpus}`);
  if (memMb !== undefined && memMb > hw.memMb)
    reasons.push(`requested ${memMb} MiB of memory; this machine has ${hw.memMb} MiB`);
  if (gpus !== undefined && gpus > hw.gpus.length) {
    const found =
      hw.gpus.length === 0
        ? 'no GPU (nvidia-smi found none)'
        : `${hw.gpus.length} (${hw.gpus.map((g) => g.name).join(', ')})`;
    reasons.push(`requested ${gpus} GPUs; this machine has ${found}`);
  }
  return reasons;
}

function commandReasons(spec: JobSpec): string[] {
  if (!isDirectory(spec.cwd)) return [`working directory ${spec.cwd} does not exist or is not a directory`];
  const command = spec.argv[0];
  if (command === undefined || command === '') return ['the command is empty'];
  if (resolveExecutable(command, spec.cwd, jobEnv(spec).PATH ?? '') !== undefined) return [];
  return command.includes('/')
    ? [`${command} is not an executable file (resolved from ${spec.cwd})`]
    : [`${command} was not found on PATH or is not executable`];
}

/** Where execvp would find `command`, or undefined. */
export function resolveExecutable(command: string, cwd: string, path: string): string | undefined {
  if (command.includes('/')) {
    const candidate = resolve(cwd, command);
    return isExecutableFile(candidate) ? candidate : undefined;
  }
  for (const dir of path.split(delimiter)) {
    // An empty PATH entry means the current directory, as in execvp.
    const candidate = resolve(cwd, dir === '' ? '.' : dir, command);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The output directory is new, or this machine already launched this very
 * attempt into it. One that holds anything else (say, files committed by
 * someone, a linked output.log) would receive the job's output or mix it up.
 */
function outputDirReasons(spec: JobSpec, stateDir: string): string[] {
  const dir = spec.outputDir;
  if (!isAbsolute(dir)) return [`output directory ${dir} is not absolute; pin it to an absolute path`];
  let existing = dir;
  while (!exists(existing)) existing = dirname(existing);
  if (!isDirectory(existing)) return [`output directory ${dir} cannot be created: ${existing} is not a directory`];
  if (!isWritable(existing)) {
    return [
      existing === dir
        ? `output directory ${dir} is not writable`
        : `output directory ${dir} cannot be created: ${existing} is not writable`,
    ];
  }
  if (existing !== dir) return [];
  if (lstatSync(dir).isSymbolicLink())
    return [`output directory ${dir} is a symbolic link; give this attempt a real, new directory`];
  const ours = existsSync(localFile(stateDir, 'intent'));
  const entries = readdirSync(dir);
  if (!ours && entries.length > 0) {
    return [
      `output directory ${dir} already holds files that are not attempt ${spec.idempotencyKey}'s (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}); give this attempt its own output directory`,
    ];
  }
  return [];
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
