/** Where a run's chart lives: `<runs dir>/<group>/plots/<run file stem>.svg`, beside the run logs of its group. */

/** `g/2026-03-22_train` → `plots/2026-03-22_train.svg`, relative to the run log's folder (the Results link). */
export function chartLink(id: string): string {
  return `plots/${id.split('/').pop()}.svg`;
}

/** Relative to the ledger root. */
export function chartFile(runsDir: string, id: string): string {
  const slash = id.lastIndexOf('/');
  return `${runsDir}/${slash === -1 ? '' : `${id.slice(0, slash)}/`}${chartLink(id)}`;
}
