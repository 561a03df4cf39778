import { scrubberFor, type Scrubber } from '../../core/scrub/scrub.js';
import { formatNumber } from '../numbers.js';
import type { Finding } from './types.js';

/** A progress record or anything shaped like one. */
export interface LossPoint {
  step?: number;
  loss?: number;
  gradNorm?: number;
  raw?: string;
}

const describe = (p: LossPoint, field: 'loss' | 'gradNorm'): string =>
  `${p.step === undefined ? 'step ?' : `step ${p.step}`}: ${field === 'loss' ? 'loss' : 'grad norm'}=${formatNumber(p[field]!)}`;

/**
 * NaN or Inf in loss or grad norm. Never expected, warmup or not, and never
 * an infrastructure problem: relaunching replays it.
 */
export function detectNonFinite(points: readonly LossPoint[], scrubber: Scrubber = scrubberFor(undefined)): Finding[] {
  const bad = points.filter((p) => [p.loss, p.gradNorm].some((v) => v !== undefined && !Number.isFinite(v)));
  if (bad.length === 0) return [];
  const first = bad[0]!;
  const field = first.loss !== undefined && !Number.isFinite(first.loss) ? 'loss' : 'gradNorm';
  const lastFinite = points
    .slice(0, points.indexOf(first))
    .reverse()
    .find((p) => p.loss !== undefined && Number.isFinite(p.loss));
  const evidence = [
    `first non-finite value at ${describe(first, field)}`,
    // Scrubbed (the ledger's rules too) before the cut: half a token no longer has the shape a scrubber knows.
    first.raw ? `line: ${scrubber.line(first.raw).slice(0, 200)}` : '',
    lastFinite ? `last finite loss ${formatNumber(lastFinite.loss!)} at step ${lastFinite.step ?? '?'}` : '',
    bad.length > 1 ? `${bad.length} non-finite records` : '',
  ]
    .filter(Boolean)
    .join('; ');
  return [
    {
      detector: 'non_finite',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: `${field === 'loss' ? 'Loss' : 'Grad norm'} became ${formatNumber(first[field]!)} at ${first.step === undefined ? 'an unknown step' : `step ${first.step}`}`,
      evidence,
      next: 'Alert the DRI now and do not relaunch as if it were infrastructure; inspect the data batch, learning rate and loss scale around that step, and pick a rollback checkpoint from before it with the DRI.',
    },
  ];
}
