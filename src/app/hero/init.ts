/** `runlog hero init`: the logbook and the issue of a hero run, before any launch. */
import type { CommandOutput } from '../../cli/output.js';
import { parseDuration } from '../../core/time.js';
import { openLedger } from '../../git/ledger-repo.js';
import { heroInit } from '../../hero/init.js';
import type { HeroInitResult } from '../../schemas/output.js';
import type { LedgerInput } from '../ledger-input.js';

export interface HeroInitInput extends LedgerInput {
  run: string;
  issue?: string;
  'create-issue': boolean;
  label?: string[];
  dri: string;
  goal: string;
  'final-step': number;
  retention: string;
  'output-root': string;
  'stop-criteria'?: string;
  wandb?: string;
  every: string;
  'run-log'?: string;
  type: string;
  group?: string;
  'github-api'?: string;
}

export async function heroInitService(input: HeroInitInput): Promise<CommandOutput<HeroInitResult>> {
  parseDuration(input.every, '--every');
  const { pushError, ...r } = await heroInit(openLedger({ ledger: input.ledger }), {
    slug: input.run,
    dri: input.dri,
    goal: input.goal,
    finalStep: input['final-step'],
    retention: input.retention,
    outputRoot: input['output-root'],
    stopCriteria: input['stop-criteria'],
    wandb: input.wandb,
    cadence: input.every,
    issue: input.issue,
    createIssue: input['create-issue'],
    labels: input.label,
    runLog: input['run-log'],
    runType: input.type as 'replication' | 'experiment' | 'pipeline',
    group: input.group,
    apiUrl: input['github-api'],
    at: new Date(),
    push: input.push,
  });
  const human = [`${r.slug}: logbook ${r.path}${r.runLog ? `, run log ${r.runLog.path}` : ''}`];
  if (r.issue)
    human.push(
      `issue ${r.issue.status}: ${r.issue.url}${r.issue.bodyLink === 'pending' ? ` (logbook link in the issue body is pending: ${r.issue.pendingReason ?? ''})` : ''}`,
    );
  else human.push('no GitHub issue linked (pass --create-issue or --issue <url>)');
  human.push(
    `committed ${r.commit?.slice(0, 12) ?? '(nothing)'}${r.pushed ? ', pushed' : ''}: ${r.slug}: start hero-run logbook`,
  );
  return { result: r, human, pushError };
}
