/** `runlog ckpt passport`: write MODEL_PASSPORT.json for a checkpoint (hashes, provenance from the run log) and record it. */
import type { CommandOutput } from '../../cli/output.js';
import { sha256File } from '../../core/hash.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import { writePassport } from '../../publish/passport.js';
import type { CkptPassportResult } from '../../schemas/output.js';
import { committed, type LedgerInput } from '../ledger-input.js';
import { passportInputs } from './context.js';

export interface CkptPassportInput extends LedgerInput {
  checkpoint: string;
  run?: string;
  commit?: string;
  step?: number;
  'skip-dir'?: string[];
  /** runlog's version, written as the passport's generator. */
  version: string;
}

export async function ckptPassportService(input: CkptPassportInput): Promise<CommandOutput<CkptPassportResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const inputs = await passportInputs(ledger, input.checkpoint, {
    run: input.run,
    commit: input.commit,
    step: input.step,
  });
  const written = await writePassport(inputs.root, {
    generatedBy: `runlog ${input.version}`,
    provenance: inputs.provenance,
    runlog: inputs.runlog,
    skipDirs: input['skip-dir'],
  });
  const sha256 = await sha256File(written.file);
  const args = {
    run: inputs.runId,
    at: new Date().toISOString(),
    checkpoint: inputs.recorded,
    step: inputs.runlog.step,
    sha256,
    weightFiles: written.weightFiles.length,
  };
  const tx = await commit(ledger, { kind: 'ckpt-passport', run: inputs.runId, args }, { push: input.push });
  return {
    result: {
      file: written.file,
      checkpoint: inputs.root,
      run: inputs.runId,
      step: inputs.runlog.step,
      sha256,
      weightFiles: written.weightFiles.length,
      provenance: inputs.provenance as unknown as Record<string, string>,
      ...committed(tx),
    },
    human: [
      `${written.file}: ${written.weightFiles.length} file(s), sha256 ${sha256}`,
      `next: runlog ckpt signoff ${input.checkpoint} --verdict pass`,
    ],
    pushError: tx.pushError,
  };
}
