/**
 * The run's chart in a hero logbook: milestone and completion entries link
 * it as it is at that moment (redrawn first; a commit only when something
 * changed), relative to the logbook. The GitHub mirror turns the link into
 * one pinned to the commit (see logbook-mirror.ts).
 */
import { RunlogError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import type { ProgressRecord } from '../signals/progress.js';

/**
 * The output-log readings a chart draws (they travel in the operation:
 * replay has no logs). A hero run's output root may lie outside the
 * ledger's: then the readings are those of the log tail the caller observed.
 */
export async function chartLogReadings(
  ledger: Ledger,
  runId: string,
  observed: readonly ProgressRecord[] = [],
  attempt = 1,
): Promise<unknown> {
  const [{ chartReadings }, { runFileFromId }, { encodeReadings }, { readingsFromLog }] = await Promise.all([
    import('../plot/output-logs.js'),
    import('../ledger/read/runs.js'),
    import('../plot/codec.js'),
    import('../plot/readings.js'),
  ]);
  const fromLedger = chartReadings(
    ledger.root,
    ledger.config,
    runFileFromId(ledger.root, ledger.config.runs_dir, runId),
  );
  if (fromLedger.length > 0 || observed.length === 0) return fromLedger;
  return encodeReadings([readingsFromLog(observed, attempt)]);
}

/** Redraw run `runId`'s chart and return the Markdown image link for an entry of `logbookPath`; null when it has no reading. */
export async function currentChart(
  ledger: Ledger,
  runId: string,
  logbookPath: string,
  push: boolean,
  observed: readonly ProgressRecord[] = [],
  attempt = 1,
): Promise<string | null> {
  const [{ commit }, { chartFile }, { relative, dirname }] = await Promise.all([
    import('../ledger/commit.js'),
    import('../plot/paths.js'),
    import('node:path/posix'),
  ]);
  try {
    await commit(
      ledger,
      {
        kind: 'plot',
        run: runId,
        args: { run: runId, readings: await chartLogReadings(ledger, runId, observed, attempt) },
      },
      { push },
    );
  } catch (err) {
    if (err instanceof RunlogError && err.code === 'NO_READINGS') return null;
    throw err;
  }
  return `![loss and throughput](${relative(dirname(logbookPath), chartFile(ledger.config.runs_dir, runId))})`;
}
