/**
 * Placement policy: scarce hardware is
 * not handed to light work (eval, debug, pipeline, ...) unless the operator
 * overrides the policy with a reason. Either way the decision is written in
 * the Job block so it can be reviewed later.
 */
import type { ResourceRequest } from '../executors/types.js';
import type { PolicySettings } from '../config/jobs.js';
import type { PreflightReason } from './types.js';

export interface PlacementInput {
  executor: string;
  target: string;
  runType: string | null;
  subtype: string | null;
  resources: ResourceRequest;
  overrideReason?: string;
}

export interface PlacementDecision {
  reasons: PreflightReason[];
  placement: string;
  override?: string;
}

/** Which parts of the request count as scarce under the policy. */
export function scarceParts(r: ResourceRequest, policy: PolicySettings): string[] {
  const parts: string[] = [];
  const s = policy.scarce;
  if (s.gpus !== undefined && (r.gpus ?? 0) >= s.gpus)
    parts.push(`${r.gpus} GPU${r.gpus === 1 ? '' : 's'} (scarce from ${s.gpus})`);
  if (s.cpus !== undefined && (r.cpus ?? 0) >= s.cpus) parts.push(`${r.cpus} CPUs (scarce from ${s.cpus})`);
  if (s.memMb !== undefined && (r.memMb ?? 0) >= s.memMb) parts.push(`${r.memMb} MiB (scarce from ${s.memMb} MiB)`);
  return parts;
}

/** The light type a run has, if any: its type or any word of its subtype. */
export function lightType(runType: string | null, subtype: string | null, policy: PolicySettings): string | undefined {
  const words = [runType ?? '', ...(subtype ?? '').toLowerCase().split(/[^a-z0-9_]+/)]
    .map((w) => w.toLowerCase())
    .filter(Boolean);
  return words.find((w) => policy.lightRunTypes.map((t) => t.toLowerCase()).includes(w));
}

export function decidePlacement(input: PlacementInput, policy: PolicySettings): PlacementDecision {
  const r = input.resources;
  const asked =
    [
      r.cpus !== undefined && `${r.cpus} CPUs`,
      r.memMb !== undefined && `${r.memMb} MiB`,
      r.gpus !== undefined && `${r.gpus} GPUs`,
    ]
      .filter(Boolean)
      .join(', ') || 'no explicit resources';
  const base = `${input.executor} on ${input.target}: ${asked}`;
  const scarce = scarceParts(r, policy);
  const light = lightType(input.runType, input.subtype, policy);
  if (scarce.length === 0 || light === undefined) {
    return {
      reasons: [],
      placement: `${base}; policy ok${scarce.length > 0 ? ` (scarce ${scarce.join(', ')} for a non-light run)` : ''}`,
    };
  }
  const conflict = `light run type "${light}" asks for scarce ${scarce.join(', ')}`;
  if (input.overrideReason !== undefined && input.overrideReason.trim() !== '') {
    return { reasons: [], placement: `${base}; policy overridden: ${conflict}`, override: input.overrideReason.trim() };
  }
  return {
    reasons: [
      {
        rule: 'policy',
        message: `${conflict}; refused by placement policy (pass --override-policy "<reason>" to place it anyway)`,
      },
    ],
    placement: `${base}; refused: ${conflict}`,
  };
}
