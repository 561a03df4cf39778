/**
 * `runlog campaign launch`: validate and freeze the manifest, keep this
 * machine's launch plan (the commands as written) in local state, then
 * record the whole campaign as one commit. The supervisor starts the
 * entries; the same manifest again finds the same campaign and writes
 * nothing.
 */
import { resolve } from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { loadLocalPlan, saveLocalPlan } from '../../campaigns/local-plan.js';
import { prepareCampaign } from '../../campaigns/prepare.js';
import { compileRules, scrub, scrubArgv } from '../../core/scrub/scrub.js';
import { dateOnly } from '../../core/time.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import type { CampaignLaunchResult } from '../../ledger/ops/campaign.js';
import type { CampaignLaunchOut } from '../../schemas/output.js';

export interface CampaignLaunchInput {
  manifest: string;
  name?: string;
  dryRun: boolean;
  /** Where the entries' commands run (default: the current directory). */
  cwd?: string;
  ledger?: string;
  push: boolean;
}

export async function campaignLaunch(input: CampaignLaunchInput): Promise<CommandOutput<CampaignLaunchOut>> {
  const ledger = openLedger({ ledger: input.ledger });
  const rules = compileRules(ledger.config.scrub.rules);
  const { frozen, exact } = prepareCampaign(
    resolve(input.manifest),
    { name: input.name },
    { argv: (a) => scrubArgv(a, rules), text: (t) => scrub(t, rules) },
  );
  const now = new Date();
  const date = dateOnly(now);
  const policy = frozen.manifest.policy;
  const human = (runs: number, what: string) => [
    `${frozen.id}: ${what} (${runs} run${runs === 1 ? '' : 's'}, ${frozen.manifest.executor}, max_parallel ${policy.max_parallel})`,
  ];
  if (input.dryRun) {
    const runs = frozen.manifest.entries.map((e) => ({
      entry: e.name,
      id: `${frozen.id}/${date}_${e.name}`,
      path: `${ledger.config.runs_dir}/${frozen.id}/${date}_${e.name}.md`,
    }));
    return {
      result: {
        id: frozen.id,
        sha256: frozen.sha256,
        launched: false,
        dryRun: true,
        runs,
        policy,
        commit: null,
        pushed: false,
      },
      human: [
        ...human(runs.length, 'valid; nothing written (--dry-run)'),
        ...frozen.manifest.entries.map((e) => `  ${e.name}: ${e.command.join(' ')}`),
      ],
    };
  }
  const tx = await commit<CampaignLaunchResult>(
    ledger,
    { kind: 'campaign-launch', args: { manifest: frozen.manifest, date, at: now.toISOString() } },
    { push: input.push },
  );
  const r = tx.result;
  // The id is the one the recorded (door-cleaned) manifest hashes to. A relaunch from another clone
  // keeps the plan here too, so this clone can supervise the campaign; an existing plan is kept as it is.
  if (!loadLocalPlan(ledger.gitDir, r.id)) {
    saveLocalPlan(ledger.gitDir, {
      schema: 1,
      id: r.id,
      sha256: r.sha256,
      cwd: resolve(input.cwd ?? process.cwd()),
      date,
      manifest: exact.manifest,
      maxParallel: policy.max_parallel,
    });
  }
  return {
    result: {
      id: r.id,
      sha256: r.sha256,
      launched: r.launched,
      dryRun: false,
      runs: r.runs,
      policy,
      commit: tx.commit,
      pushed: tx.pushed,
    },
    human: r.launched
      ? [
          ...human(r.runs.length, `launched in one commit ${tx.commit?.slice(0, 12) ?? ''}`.trim()),
          `next: \`runlog supervise\` starts the entries; \`runlog campaign status ${r.id}\` shows progress`,
        ]
      : human(r.runs.length, 'already launched; nothing written'),
    pushError: tx.pushError,
  };
}
