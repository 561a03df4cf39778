/**
 * `runlog hero launch`: print and validate the launch checklist, then launch
 * through the executor and record the instance and the launch event. A
 * blocked launch shows the checklist before the error, since that is what
 * the person must fix.
 */
import { renderMirror } from '../../cli/render/hero.js';
import type { CommandOutput } from '../../cli/output.js';
import { RunlogError } from '../../core/errors.js';
import { openLedger } from '../../git/ledger-repo.js';
import { renderChecklist } from '../../hero/checklist.js';
import { heroLaunch } from '../../hero/launch.js';
import type { HeroLaunchResult } from '../../schemas/output.js';
import type { LedgerInput } from '../ledger-input.js';

export interface HeroLaunchInput extends LedgerInput {
  run: string;
  /** The job's command (everything after `--`). */
  command: string[];
  executor: string;
  host?: string;
  cwd?: string;
  config?: string;
  'output-root'?: string;
  'wandb-id'?: string;
  'wandb-name'?: string;
  'resume-policy'?: string;
  retention?: string;
  'rollback-depth'?: number;
  'initialize-from'?: string;
  'final-step'?: number;
  container?: string;
  hardware?: string;
  dri?: string;
  'approved-by'?: string;
  'ack-drift': boolean;
  'new-lineage': boolean;
  every?: string;
  'dry-run': boolean;
  'github-api'?: string;
}

export async function heroLaunchService(input: HeroLaunchInput): Promise<CommandOutput<HeroLaunchResult>> {
  const r = await heroLaunch(openLedger({ ledger: input.ledger }), {
    ref: input.run,
    argv: input.command,
    cwd: input.cwd ?? process.cwd(),
    executor: input.executor,
    host: input.host,
    config: input.config,
    outputRoot: input['output-root'],
    wandbId: input['wandb-id'],
    wandbName: input['wandb-name'],
    resumePolicy: input['resume-policy'],
    retention: input.retention,
    rollbackDepth: input['rollback-depth'],
    initializeFrom: input['initialize-from'],
    finalStep: input['final-step'],
    container: input.container,
    hardware: input.hardware,
    dri: input.dri,
    approvedBy: input['approved-by'],
    ackDrift: input['ack-drift'],
    newLineage: input['new-lineage'],
    cadence: input.every,
    dryRun: input['dry-run'],
    at: new Date(),
    push: input.push,
    apiUrl: input['github-api'],
  }).catch((err: unknown) => {
    throw blockedWithChecklist(err, input.run);
  });
  const human = [
    `launch checklist for ${r.slug}${r.relaunch ? ' (relaunch)' : ''}:`,
    ...renderChecklist(r.checklist.items),
  ];
  if (r.submitted) {
    human.push(
      `launched ${r.submitted.executor} job ${r.submitted.jobId} (run log ${r.submitted.run}, attempt ${r.submitted.attempt}); output ${r.submitted.outputPath}`,
    );
    human.push(
      `committed ${r.commit?.slice(0, 12) ?? '(nothing)'}: ${r.slug}: ${r.relaunch ? 'log relaunch' : 'log launch'}`,
    );
    human.push(...renderMirror(r.mirror ?? 'none', r.why, r.flush));
  } else human.push('dry run: checklist passed; nothing launched or written');
  return {
    result: {
      slug: r.slug,
      path: r.path,
      relaunch: r.relaunch,
      instance: r.instance,
      checklist: r.checklist.items,
      blocked: r.checklist.blocked,
      dryRun: input['dry-run'],
      drift: r.checklist.drift,
      submitted: r.submitted,
      eventId: r.eventId,
      mirror: r.mirror,
      pending: r.flush?.pending ?? [],
      posted: r.flush?.posted ?? [],
      commit: r.commit,
      pushed: r.pushed,
    },
    human,
    pushError: r.pushError,
  };
}

function blockedWithChecklist(err: unknown, ref: string): unknown {
  if (!(err instanceof RunlogError) || err.code !== 'LAUNCH_BLOCKED') return err;
  const checklist = (err.details as { checklist: Parameters<typeof renderChecklist>[0] }).checklist;
  return new RunlogError(err.kind, err.code, err.message, err.hint, {
    cause: err.cause,
    details: err.details,
    preface: [`launch checklist for ${ref}:`, ...renderChecklist(checklist)],
  });
}
