import type { Finding } from './types.js';

/**
 * What a successful run must leave behind. `undefined` means "not part of
 * this run" (no W&B, no logbook); `false` / `null` means missing.
 */
export interface ArtifactCheckInput {
  /** The orchestrator / executor reports success. */
  succeeded: boolean;
  finalCheckpoint?: { path: string | null; complete: boolean } | null;
  wandbSummary?: boolean;
  logbookUpdated?: boolean;
  /** Name of the pushed seal tag, or null when none was made. */
  sealTag?: string | null;
}

/** Success reported while a final artifact is missing: not safe to seal yet. */
export function detectMissingArtifacts(input: ArtifactCheckInput): Finding[] {
  if (!input.succeeded) return [];
  const missing: string[] = [];
  const ckpt = input.finalCheckpoint;
  if (ckpt === null || (ckpt !== undefined && ckpt.path === null)) missing.push('final checkpoint (none found)');
  else if (ckpt !== undefined && !ckpt.complete) missing.push(`final checkpoint ${ckpt.path} has no metadata.json`);
  if (input.wandbSummary === false) missing.push('W&B summary');
  if (input.logbookUpdated === false) missing.push('logbook update');
  if (input.sealTag === null) missing.push('seal tag');
  if (missing.length === 0) return [];
  return [
    {
      detector: 'missing_artifacts',
      severity: 'alert',
      kind: 'artifact',
      message: `The run reports success but ${missing.length === 1 ? 'an artifact is' : `${missing.length} artifacts are`} missing`,
      evidence: `missing: ${missing.join('; ')}`,
      next: 'Do not seal: produce or locate the missing artifacts (final checkpoint with metadata.json, W&B final state, logbook entry), verify them, then seal and push the tag.',
    },
  ];
}
