/**
 * Commits the way runlog wrote them before operations were scrubbed at the
 * door: the run log holds the redacted entry, the `Runlog-Op` trailer the
 * raw arguments, secret and all.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../../support/ledger.js';

export async function oldVersionAppend(
  dir: string,
  run: string,
  message: string,
  at = '2026-03-22T12:00:00.000Z',
): Promise<string> {
  appendFileSync(join(dir, 'run_logs', `${run}.md`), `- 2026-03-22 12:00 UTC — pending — [REDACTED:github]\n`);
  const op = { v: 1, kind: 'append', run, args: { message, metrics: {}, at, run } };
  await git(dir, [
    'commit',
    '-q',
    '-m',
    `${run}: log status`,
    '-m',
    `Runlog-Op: ${JSON.stringify(op)}`,
    '--',
    `run_logs/${run}.md`,
  ]);
  return (await git(dir, ['rev-parse', 'HEAD'])).trim();
}
