/**
 * `runlog submit`: validate a run (script, config, checkpoint, hardware,
 * clean tree, placement policy), then launch it and record the Job block.
 * Every preflight reason is recorded as validation_failed and the command
 * exits 3 without starting anything.
 */
import { resolve } from 'node:path';
import type { CommandOutput } from '../cli/output.js';
import { parseDuration } from '../core/time.js';
import { parseMemMb } from '../core/units.js';
import { slurmRequestFlags, type SlurmFlagValues } from '../executors/slurm/submit-flags.js';
import { sshRequestFlags, type SshFlagValues } from '../executors/ssh/submit-flags.js';
import type { SubmitDryRunResult, SubmitResult } from '../schemas/output.js';
import type { SubmitRequest } from '../jobs/launch.js';
import { rejected } from '../core/errors.js';
import { allPushed, runContext } from './jobs-input.js';
import type { LedgerInput } from './ledger-input.js';

export interface SubmitInput extends LedgerInput, SlurmFlagValues, SshFlagValues {
  run: string;
  /** The job's command (everything after `--`); empty: the script the run log declares. */
  command: string[];
  executor: string;
  timeout?: string;
  heartbeat?: string;
  retries?: number;
  'stall-action'?: string;
  'init-from'?: string;
  'allow-dirty': boolean;
  gpus?: number;
  cpus?: number;
  mem?: string;
  'override-policy'?: string;
  image?: string;
  cwd?: string;
  /** Replace the recorded script / config (a Status entry says so). */
  script?: string;
  config?: string;
}

function request(input: SubmitInput, id: string): SubmitRequest {
  const slurm = slurmRequestFlags(input.executor, input);
  const ssh = sshRequestFlags(input.executor, input);
  return {
    run: id,
    argv: input.command.length > 0 ? input.command : undefined,
    cwd: resolve(input.cwd ?? process.cwd()),
    executor: input.executor,
    cluster: input.cluster,
    timeoutMs: input.timeout === undefined ? undefined : parseDuration(input.timeout, '--timeout'),
    heartbeatMs: input.heartbeat === undefined ? undefined : parseDuration(input.heartbeat, '--heartbeat'),
    retries: input.retries,
    stallAction: input['stall-action'] as 'retry' | 'resume' | 'fail' | undefined,
    initFrom: input['init-from'],
    allowDirty: input['allow-dirty'],
    overridePolicy: input['override-policy'],
    image: input.image,
    ...ssh,
    resources: {
      ...slurm,
      gpus: input.gpus ?? slurm.gpus,
      cpus: input.cpus,
      memMb: input.mem === undefined ? undefined : parseMemMb(input.mem),
    },
    declared: { script: input.script, config: input.config },
  };
}

export async function submitService(input: SubmitInput): Promise<CommandOutput<SubmitResult>> {
  const { id, ctx } = await runContext(input);
  const { submitRun } = await import('../jobs/launch.js');
  const out = await submitRun(ctx, request(input, id));
  return {
    result: { ...out, commit: out.commits.at(-1) ?? null, pushed: allPushed(ctx, out.commits) },
    human: [
      `${out.id}: ${out.previousState} → ${out.state}, attempt ${out.attempt}, ${out.executor} job ${out.jobId ?? '?'}${out.host ? ` on ${out.host}` : ''}`,
      `output: ${out.outputLog ?? out.outputDir}`,
      `commit: ${out.commits.map((c) => c.slice(0, 12)).join(', ')}`,
    ],
    pushError: ctx.pushError,
  };
}

/** `submit --dry-run`: every preflight check, nothing written; exit 3 with every reason when it would be refused. */
export async function dryRunService(input: SubmitInput): Promise<CommandOutput<SubmitDryRunResult>> {
  const { id, ctx } = await runContext(input);
  const { dryRunSubmit } = await import('../jobs/launch.js');
  const d = await dryRunSubmit(ctx, request(input, id));
  const result: SubmitDryRunResult = { dryRun: true, ...d };
  const human = [
    `${d.id}: preflight for attempt ${d.attempt} on ${d.executor}: ${d.ok ? 'every check passed; `runlog submit` without --dry-run launches it' : `${d.reasons.length} reason(s) it would be refused`}`,
    ...d.reasons.map((r) => `  [${r.rule}] ${r.message}`),
    `command: ${d.argv.join(' ')}`,
    'nothing was written',
  ];
  if (d.ok) return { result, human };
  // The error lists every reason; --json carries the whole dry run in its details.
  throw rejected(
    'VALIDATION_FAILED',
    `${d.id} would not be launched: ${d.reasons.map((r) => `[${r.rule}] ${r.message}`).join('; ')}`,
    'fix every reason listed, then run the dry run again; nothing was written',
    { ...result },
  );
}
