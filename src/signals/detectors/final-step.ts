import type { Finding } from './types.js';

export interface FinalStepInput {
  /** Final step resolved from the launched config / code. */
  configFinalStep: number;
  /** Nominal total shown by the progress bar or `Step n/total` text (ProgressRecord.total). */
  displayedTotal?: number;
  latestStep?: number;
  /** The job has ended (the executor reports it finished). */
  ended?: boolean;
}

/**
 * Progress bars round or show a nominal max while the config runs extra
 * steps. Reports the mismatch so ETA and completion use the config's final
 * step, and alerts when a job ended short of it. Pass a global-step total:
 * per-epoch bars (Lightning) restart every epoch.
 */
export function detectFinalStepMismatch(input: FinalStepInput): Finding[] {
  const { configFinalStep, displayedTotal, latestStep, ended } = input;
  const findings: Finding[] = [];
  if (ended && latestStep !== undefined && latestStep < configFinalStep) {
    findings.push({
      detector: 'final_step_mismatch',
      severity: 'alert',
      kind: 'run_unhealthy',
      message: `The job ended at step ${latestStep}, before the configured final step ${configFinalStep}`,
      evidence: `last step read ${latestStep}; config final step ${configFinalStep}${displayedTotal !== undefined ? `; progress display total ${displayedTotal}` : ''}`,
      next: 'Do not mark the run complete or seal it; find why it stopped early and resume from the newest complete checkpoint if the lineage is intact.',
    });
  }
  if (displayedTotal !== undefined && displayedTotal !== configFinalStep) {
    findings.push({
      detector: 'final_step_mismatch',
      severity: 'warn',
      kind: 'run_unhealthy',
      message: `The progress display shows ${displayedTotal} total steps but the config's final step is ${configFinalStep}`,
      evidence: `display total ${displayedTotal}; config final step ${configFinalStep}${latestStep !== undefined ? `; latest step ${latestStep}` : ''}`,
      next: `Use step ${configFinalStep} for ETA and completion checks, and record the display total as display-only in the logbook.`,
    });
  }
  return findings;
}
