/**
 * The Slurm-only flags of `runlog submit`. They are declared here, next to
 * the executor that reads them, and spread into the submit command's flags;
 * `slurmRequestFlags` turns them into the request fields the executor uses.
 * Given with another executor they are a usage error, not silently ignored.
 */
import { Flags } from '@oclif/core';
import { usageError } from '../../core/errors.js';
import { parseDuration } from '../../core/time.js';

const group = 'SLURM';

export const slurmSubmitFlags = {
  cluster: Flags.string({
    helpGroup: group,
    summary: 'Slurm: cluster profile from runlog.config.yaml (default: default_cluster, or the only profile).',
  }),
  partition: Flags.string({
    helpGroup: group,
    summary: "Slurm: partition (default: the profile's, else the cluster's default partition).",
  }),
  gres: Flags.string({
    helpGroup: group,
    summary: 'Slurm: generic resources, e.g. gpu:2 or gpu:a100:1 (checked against the nodes before sbatch).',
  }),
  account: Flags.string({ helpGroup: group, summary: 'Slurm: account to charge (default: the profile’s).' }),
  qos: Flags.string({ helpGroup: group, summary: 'Slurm: quality of service (default: the profile’s).' }),
  constraint: Flags.string({ helpGroup: group, summary: 'Slurm: node feature constraint (default: the profile’s).' }),
  time: Flags.string({
    helpGroup: group,
    summary:
      "Slurm: the job's time limit for sbatch (e.g. 90m, 12h, 1:30:00); Slurm ends it as TIMEOUT (timed_out, walltime).",
  }),
  requeue: Flags.boolean({
    helpGroup: group,
    allowNo: true,
    summary:
      "Slurm: --no-requeue ends the attempt as worker_lost on a node failure instead of letting Slurm requeue it (default: the cluster's).",
  }),
};

export interface SlurmFlagValues {
  cluster?: string;
  partition?: string;
  gres?: string;
  account?: string;
  qos?: string;
  constraint?: string;
  time?: string;
  requeue?: boolean;
}

export interface SlurmRequestFlags {
  partition?: string;
  gres?: string;
  account?: string;
  qos?: string;
  constraint?: string;
  timeLimitSec?: number;
  requeue?: boolean;
  /** GPUs named in --gres, so the placement policy sees them. */
  gpus?: number;
}

const GRES = /^[A-Za-z][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.-]+)*(?:,[A-Za-z][A-Za-z0-9_.-]*(?::[A-Za-z0-9_.-]+)*)*$/;

/**
 * The Slurm part of a submit request (`--cluster` is not part of it: it picks
 * the executor's profile); throws a usage error when a Slurm flag
 * comes with another executor or a value cannot be right.
 */
export function slurmRequestFlags(executor: string, flags: SlurmFlagValues): SlurmRequestFlags {
  const given = (Object.keys(slurmSubmitFlags) as (keyof SlurmFlagValues)[]).filter((k) => flags[k] !== undefined);
  if (executor !== 'slurm') {
    if (given.length > 0) {
      const shown = given
        .map((k) => (k === 'requeue' ? (flags.requeue ? '--requeue' : '--no-requeue') : `--${k}`))
        .join(', ');
      throw usageError(
        'SLURM_FLAG_WITHOUT_SLURM',
        `${shown} ${given.length === 1 ? 'applies' : 'apply'} only to --executor slurm, not ${executor}`,
        `add --executor slurm, or drop ${shown}`,
      );
    }
    return {};
  }
  if (flags.gres !== undefined && !GRES.test(flags.gres)) {
    throw usageError(
      'BAD_GRES',
      `--gres ${JSON.stringify(flags.gres)} is not a GRES list`,
      'use name[:type]:count, comma-separated, e.g. --gres gpu:2 or --gres gpu:a100:1',
    );
  }
  for (const key of ['partition', 'account', 'qos', 'constraint'] as const) {
    const v = flags[key];
    if (v !== undefined && (v.trim() === '' || /["\\\r\n]/.test(v))) {
      throw usageError(
        'BAD_SLURM_FLAG',
        `--${key} ${JSON.stringify(v)} cannot be passed to sbatch`,
        `give --${key} a plain name without quotes, backslashes or line breaks`,
      );
    }
  }
  const out: SlurmRequestFlags = {};
  if (flags.partition !== undefined) out.partition = flags.partition;
  if (flags.gres !== undefined) out.gres = flags.gres;
  if (flags.account !== undefined) out.account = flags.account;
  if (flags.qos !== undefined) out.qos = flags.qos;
  if (flags.constraint !== undefined) out.constraint = flags.constraint;
  if (flags.time !== undefined) {
    const ms = parseDuration(flags.time, '--time');
    if (!(ms > 0))
      throw usageError(
        'BAD_DURATION',
        `--time ${JSON.stringify(flags.time)} must be longer than zero`,
        'give a limit such as --time 30m; leave --time out for the partition default',
      );
    out.timeLimitSec = Math.ceil(ms / 1000);
  }
  const gpus = gpusInGres(flags.gres);
  if (gpus !== undefined) out.gpus = gpus;
  if (flags.requeue !== undefined) out.requeue = flags.requeue;
  return out;
}

/** GPUs a GRES request asks for (`gpu:2`, `gpu:a100:1,gpu:v100:2` → 3), so the placement policy sees them. */
export function gpusInGres(gres: string | undefined): number | undefined {
  if (gres === undefined) return undefined;
  let total = 0;
  let any = false;
  for (const item of gres.split(',')) {
    const parts = item.split(':');
    if (parts[0] !== 'gpu') continue;
    any = true;
    const last = parts.at(-1) ?? '';
    total += parts.length > 1 && /^\d+$/.test(last) ? Number(last) : 1;
  }
  return any ? total : undefined;
}
