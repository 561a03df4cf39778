/**
 * `runlog hero link`: adopt a GitHub issue for a logbook that exists, the
 * way `hero init --issue` does for a new one: the issue body gets the
 * logbook path, the logbook gets the issue URL, so both link each other and
 * pending updates have somewhere to go. GitHub is asked first: when it
 * cannot be read, nothing is written.
 */
import type { CommandOutput } from '../../cli/output.js';
import { failed } from '../../core/errors.js';
import { openLedger } from '../../git/ledger-repo.js';
import type { LedgerInput } from '../ledger-input.js';
import { openMirror, parseIssue } from '../../hero/logbook-mirror.js';
import { commit } from '../../ledger/commit.js';
import { resolveLogbook } from '../../ledger/read/logbooks.js';
import type { HeroLinkResult } from '../../schemas/output.js';

export interface HeroLinkInput extends LedgerInput {
  run: string;
  issue: string;
  'github-api'?: string;
}

export async function heroLinkService(input: HeroLinkInput): Promise<CommandOutput<HeroLinkResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const { slug, path } = resolveLogbook(ledger.root, input.run);
  const { mirror, config } = await openMirror(ledger, { apiUrl: input['github-api'] });
  const ref = await parseIssue(input.issue, config?.repo);
  const repo = `${ref.owner}/${ref.repo}`;
  const linked = await mirror.linkLogbook({ repo, issueNumber: ref.number, logbookPath: path });
  if (linked.status === 'pending') {
    throw failed(
      'GITHUB_UNREACHABLE',
      `could not read ${repo}#${ref.number} to link ${path}: ${linked.reason}`,
      'nothing was written; run `runlog hero link` again when GitHub is reachable',
    );
  }
  const tx = await commit<{ changed: boolean }>(
    ledger,
    { kind: 'hero-link', run: slug, args: { slug, path, issueUrl: linked.issue.htmlUrl } },
    { push: input.push },
  );
  const result: HeroLinkResult = {
    slug,
    path,
    issue: { url: linked.issue.htmlUrl, number: linked.issue.number, repo, bodyLink: linked.status },
    changed: tx.result.changed,
    commit: tx.commit,
    pushed: tx.pushed,
  };
  return {
    result,
    human: [
      `${slug}: ${tx.result.changed ? 'linked' : 'already linked to'} ${linked.issue.htmlUrl}`,
      `issue body: ${linked.status === 'already_linked' ? 'already names' : 'now names'} ${path}`,
      ...(tx.commit ? [`committed ${tx.commit.slice(0, 12)}${tx.pushed ? ', pushed' : ''}`] : []),
      `next: \`runlog sync\` posts the updates the logbook still has pending`,
    ],
    ...(tx.pushError ? { pushError: tx.pushError } : {}),
  };
}
