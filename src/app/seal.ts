/**
 * `runlog seal`: verify a finished run and pin it with an annotated, pushed
 * tag (seal/<run>[/<milestone>]); refuses, naming every missing item, until
 * the run is complete. Running it again changes nothing.
 */
import { resolve } from 'node:path';
import type { CommandOutput } from '../cli/output.js';
import { RunlogError } from '../core/errors.js';
import { openLedger } from '../git/ledger-repo.js';
import { sealTag } from '../git/tags.js';
import { commit } from '../ledger/commit.js';
import { planSeal, refuseSeal } from '../publish/seal.js';
import type { SealResult } from '../schemas/output.js';
import { loadRun } from './ckpt/context.js';
import { committed, type LedgerInput } from './ledger-input.js';

export interface SealInput extends LedgerInput {
  run: string;
  milestone?: string;
  checkpoint?: string;
  'wandb-dir'?: string;
  caveat?: string[];
}

export async function sealService(input: SealInput): Promise<CommandOutput<SealResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const { run, doc } = loadRun(ledger, input.run);
  const plan = await planSeal(ledger, run.id, doc, {
    milestone: input.milestone,
    checkpoint: input.checkpoint ? resolve(input.checkpoint) : undefined,
    wandbDir: input['wandb-dir'],
    caveats: input.caveat ?? [],
  });
  if (plan.missing.length > 0) throw refuseSeal(run.id, plan.missing);
  const tag = await sealTag(ledger, {
    name: plan.tag,
    target: plan.target,
    message: plan.message,
    patch: plan.patch,
    push: input.push,
  });
  const args = {
    run: run.id,
    at: new Date().toISOString(),
    tag: plan.tag,
    target: tag.commit,
    milestone: input.milestone,
    sealCommit: tag.sealCommit ?? undefined,
  };
  const tx = await commit<{ recorded: boolean }>(ledger, { kind: 'seal', run: run.id, args }, { push: input.push });
  const tagPushError = tag.pushError
    ? new RunlogError(
        'push',
        'SEAL_TAG_PUSH_FAILED',
        `tag ${plan.tag} was created locally but not pushed: ${tag.pushError}`,
        'run `runlog seal` again when the remote is reachable (it only pushes what is missing)',
      )
    : undefined;
  const human = [
    `${plan.tag} → ${tag.commit.slice(0, 12)}${tag.created ? ' (created)' : ' (already there)'}${tag.pushed ? ', pushed' : ''}`,
  ];
  if (tx.result.recorded) human.push(`recorded in ${run.path}`);
  return {
    result: {
      run: run.id,
      tag: plan.tag,
      target: tag.commit,
      sealCommit: tag.sealCommit,
      created: tag.created,
      tagPushed: tag.pushed,
      recorded: tx.result.recorded,
      message: plan.message,
      ...committed(tx),
    },
    human,
    pushError: tagPushError ?? tx.pushError,
  };
}
