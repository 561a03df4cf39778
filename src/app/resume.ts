/** `runlog resume`: a new attempt of the same run, in the same file (a `## Job (resumed)` block). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandOutput } from '../cli/output.js';
import { openLedger } from '../git/ledger-repo.js';
import { commit } from '../ledger/commit.js';
import type { EntryResult } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import type { ResumeResult } from '../schemas/output.js';
import { committed, type LedgerInput } from './ledger-input.js';
import { rejected } from '../core/errors.js';
import { checkCheckpoint } from '../preflight/checkpoint.js';
import { scrubberFor } from '../core/scrub/scrub.js';

export interface ResumeInput extends LedgerInput {
  run: string;
  from?: string;
}

/**
 * A `--from` checkpoint is checked the way `submit --init-from` checks one
 * (exists, metadata.json, numeric step) before anything is written, and
 * recorded as an absolute path with its step: the next `submit` hands it to
 * the job. Hand-kept ledgers also resume from points that are not paths
 * ("shard 45", a data cursor): text without a path separator that names
 * nothing on disk is recorded as written and handed to no job, and the
 * output says so.
 */
export async function resumeService(input: ResumeInput): Promise<CommandOutput<ResumeResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const run = resolveRun(ledger.root, ledger.config.runs_dir, input.run);
  let from: string | undefined;
  let step: number | undefined;
  let label: string | undefined;
  if (input.from !== undefined && !looksLikePath(input.from)) {
    label = input.from;
  } else if (input.from !== undefined) {
    const c = checkCheckpoint(input.from, process.cwd(), '--from');
    if (c.code)
      throw rejected(
        c.code,
        // The refused reference is echoed back, so it passes the scrubber like everything else runlog prints.
        scrubberFor(ledger.config.scrub.rules).text(c.reasons.map((x) => x.message).join('; ')),
        'resume only from a complete checkpoint: `runlog ckpt pick <run>` names the newest one; nothing was written',
      );
    from = c.abs;
    step = c.step;
  }
  const fields: [string, string][] = step !== undefined ? [['init_from_step', String(step)]] : [];
  const args = { run: run.id, from: from ?? label, at: new Date().toISOString(), fields };
  const tx = await commit<EntryResult & { attempt: number; heading: string }>(
    ledger,
    { kind: 'resume', run: run.id, args },
    { push: input.push },
  );
  const r = tx.result;
  const human = [
    `${run.id}: ${r.previousState} → pending, attempt ${r.attempt} (## ${r.heading})${from ? ` from ${from} (step ${step})` : ''}`,
    ...(label
      ? [`resumed from "${label}" as text: it is not a checkpoint path, so the job receives nothing for it`]
      : []),
    `next: runlog submit ${run.id} -- <command>${from ? ` — put {init_from} where the command takes the checkpoint; the job also receives RUNLOG_INIT_FROM=${from}` : ''}`,
  ];
  return { result: { ...r, ...committed(tx) }, human, pushError: tx.pushError };
}

/** A path separator, a leading `.` or `~`, or something on disk at that name. */
function looksLikePath(ref: string): boolean {
  if (existsSync(resolve(process.cwd(), ref))) return true;
  // A path never spans lines: text that does is a note about where the run resumed, not a checkpoint.
  if (/[\r\n]/.test(ref)) return false;
  return /[/\\]/.test(ref) || /^[.~]/.test(ref);
}
