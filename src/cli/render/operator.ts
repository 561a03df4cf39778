import type { OperatorResult } from '../../jobs/operator.js';

/** What an operator action changed, as the seed asks: before → after, job ids, commit. */
export function renderOperator(r: OperatorResult): string {
  return [
    `${r.id}: ${r.before} → ${r.after} (${r.action}, attempt ${r.attempt})`,
    `jobs: ${r.jobIds.length > 0 ? r.jobIds.join(', ') : 'none'}`,
    `commit: ${r.commits.length > 0 ? r.commits.map((c) => c.slice(0, 12)).join(', ') : 'none'}`,
    r.message,
  ].join('\n');
}
