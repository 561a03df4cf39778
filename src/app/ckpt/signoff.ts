/**
 * `runlog ckpt signoff`: verify a checkpoint against its passport and write
 * SIGNOFF.json; recorded in the run log that names the checkpoint (a
 * checkpoint outside any ledger is signed, not recorded).
 */
import path from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { sha256File } from '../../core/hash.js';
import { Git } from '../../git/git.js';
import { openLedger, type Ledger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import { writeSignoff } from '../../publish/signoff.js';
import type { CkptSignoffResult } from '../../schemas/output.js';
import { committed, type LedgerInput } from '../ledger-input.js';
import { runForCheckpoint } from './context.js';

export interface CkptSignoffInput extends LedgerInput {
  checkpoint: string;
  verdict: string;
  reason?: string;
  run?: string;
  /** The person who signs (default: git's user.name). */
  by?: string;
  'skip-dir'?: string[];
  version: string;
}

export async function ckptSignoffService(input: CkptSignoffInput): Promise<CommandOutput<CkptSignoffResult>> {
  const root = path.resolve(input.checkpoint);
  const verdict = input.verdict as 'pass' | 'soft_signal';
  const ledger = tryLedger(input.ledger);
  // A signoff names the person, not only the tool.
  const by = input.by?.trim() || (await new Git(ledger?.root ?? process.cwd()).userName()) || undefined;
  const written = await writeSignoff(root, {
    verdict,
    reason: input.reason,
    tool: 'runlog',
    version: input.version,
    by,
    skipDirs: input['skip-dir'],
  });
  const sha256 = await sha256File(written.file);
  const result: CkptSignoffResult = {
    file: written.file,
    checkpoint: root,
    run: null,
    verdict,
    verdict_reason: written.signoff.verdict_reason ?? null,
    artifacts: written.signoff.artifacts.length,
    sha256,
    warnings: written.report.warnings,
    commit: null,
    pushed: false,
  };
  const human = [
    `${written.file}: verdict ${verdict}${by ? ` by ${by}` : ''}, ${result.artifacts} artifact(s) signed and verified`,
  ];
  const warnings = written.report.warnings.map((w) => `warning: ${w.message}`);
  const run = ledger ? await runForCheckpoint(ledger, root, input.run) : null;
  if (!ledger || !run) {
    warnings.push(
      'warning: no run log names this checkpoint: the signoff is not recorded in a run log (pass --run to record it)',
    );
    return { result, human, warnings };
  }
  const args = {
    run: run.runId,
    at: new Date().toISOString(),
    checkpoint: run.recorded,
    verdict,
    reason: result.verdict_reason,
    sha256,
    ...(by ? { by } : {}),
  };
  const tx = await commit(ledger, { kind: 'ckpt-signoff', run: run.runId, args }, { push: input.push });
  return { result: { ...result, run: run.runId, ...committed(tx) }, human, warnings, pushError: tx.pushError };
}

/** A signoff needs no ledger; only an explicit --ledger that cannot be opened is an error. */
function tryLedger(explicit: string | undefined): Ledger | null {
  try {
    return openLedger({ ledger: explicit });
  } catch (err) {
    if (explicit) throw err;
    return null;
  }
}
