/** `runlog ckpt verify`: check a checkpoint against its passport (and signoff); the answer is "no" (exit 1) on any failure. */
import type { CommandOutput } from '../../cli/output.js';
import { failed } from '../../core/errors.js';
import { verifyCheckpoint } from '../../publish/verify.js';
import type { CkptVerifyResult } from '../../schemas/output.js';

export interface CkptVerifyInput {
  checkpoint: string;
  'require-signoff': boolean;
  'skip-dir'?: string[];
}

export async function ckptVerifyService(input: CkptVerifyInput): Promise<CommandOutput<CkptVerifyResult>> {
  const report = await verifyCheckpoint(input.checkpoint, {
    requireSignoff: input['require-signoff'],
    skipDirs: input['skip-dir'],
  });
  const at = (p: string | undefined) => (p ? `${p}: ` : '');
  const warnings = report.warnings.map((w) => `warning: ${at(w.path)}${w.message}`);
  if (report.ok) {
    const s = report.signoff;
    return {
      result: report,
      human: [`${report.root}: ok${s ? ` (signed ${s.verdict} by ${s.signed_by.tool} at ${s.signed_at})` : ''}`],
      warnings,
    };
  }
  warnings.push(...report.failures.map((f) => `${at(f.path)}${f.check}: ${f.message}`));
  const failure = failed(
    'CHECKPOINT_INVALID',
    `${report.failures.length} check(s) failed for ${report.root}`,
    'do not eval, upload or hand off this checkpoint; regenerate the passport and signoff after fixing the files',
  );
  return { result: report, human: [], warnings, failure };
}
