/**
 * `--init-from`: the checkpoint must exist, be complete (its metadata.json
 * written last by the trainer) and carry a step that parses as a number, so
 * "latest" is never decided by string order.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { parseStep } from '../checkpoints/index.js';
import type { PreflightReason } from './types.js';

export interface CheckpointCheck {
  reasons: PreflightReason[];
  /** The error code a command refusing this checkpoint reports. */
  code?: 'CHECKPOINT_NOT_FOUND' | 'CHECKPOINT_INCOMPLETE' | 'CHECKPOINT_STEP_UNPARSED';
  abs?: string;
  step?: number;
}

function stepFromMetadata(dir: string): number | undefined {
  try {
    const meta = JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['step', 'global_step']) {
      const v = meta[key];
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
      if (n !== undefined && Number.isInteger(n) && n >= 0) return n;
    }
  } catch {
    // A metadata file that is not JSON says nothing about the step; the name may.
  }
  return undefined;
}

/** `flag` names where the checkpoint came from in the messages (`--init-from`, `--from`, a Job block's `resumed from`). */
export function checkCheckpoint(ref: string, cwd: string, flag = '--init-from'): CheckpointCheck {
  const abs = isAbsolute(ref) ? ref : resolve(cwd, ref);
  const no = (code: CheckpointCheck['code'], message: string): CheckpointCheck => ({
    code,
    reasons: [{ rule: 'checkpoint', message: `${flag} ${ref} ${message}` }],
  });
  if (!existsSync(abs)) return no('CHECKPOINT_NOT_FOUND', `does not exist (looked at ${abs})`);
  if (!statSync(abs).isDirectory())
    return no('CHECKPOINT_INCOMPLETE', 'is a file; a complete checkpoint is a directory with metadata.json');
  if (!existsSync(join(abs, 'metadata.json')))
    return no('CHECKPOINT_INCOMPLETE', 'is incomplete: no metadata.json (the save may have been cut off)');
  const step = parseStep(basename(abs)) ?? stepFromMetadata(abs);
  if (step === undefined || step === null)
    return no(
      'CHECKPOINT_STEP_UNPARSED',
      'has no numeric step in its name or metadata.json (expected e.g. step-5000 or "step": 5000)',
    );
  return { reasons: [], abs, step };
}
