/**
 * `runlog ckpt prune`: which checkpoints a retention policy deletes (keep the
 * newest N, every Kth step, milestones, the final one, anything protected);
 * deletes only after --yes or a typed "yes", and records what it removed.
 */
import { resolve } from 'node:path';
import type { CommandOutput } from '../../cli/output.js';
import { annotateLineage, applyPrune, listCheckpoints, planPrune } from '../../checkpoints/index.js';
import { openLedger } from '../../git/ledger-repo.js';
import { commit } from '../../ledger/commit.js';
import type { CkptPruneResult } from '../../schemas/output.js';
import { committed, type LedgerInput } from '../ledger-input.js';
import { checkpointContext } from './context.js';

export interface CkptPruneInput extends LedgerInput {
  target: string;
  'output-root'?: string;
  'keep-last': number;
  'keep-every'?: number;
  milestone?: number[];
  protect?: string[];
  yes: boolean;
  /** Shows a person the plan and asks them to confirm it; absent when nobody can answer (--json, no terminal). */
  confirm?: (plan: string[], question: string) => Promise<boolean>;
}

export async function ckptPruneService(input: CkptPruneInput): Promise<CommandOutput<CkptPruneResult>> {
  const ctx = checkpointContext(() => openLedger({ ledger: input.ledger }), input.target, {
    outputRoot: input['output-root'],
    milestone: input.milestone,
  });
  const ckpts = annotateLineage(await listCheckpoints(ctx.root), ctx.lineage);
  const plan = planPrune(ckpts, {
    keepLast: input['keep-last'],
    keepEvery: input['keep-every'],
    final: ctx.final ?? undefined,
    protect: (input.protect ?? []).map((p) => resolve(p)),
  });
  const result: CkptPruneResult = {
    root: ctx.root,
    run: ctx.run?.run.id ?? null,
    dryRun: true,
    delete: plan.delete.map((c) => ({ path: c.path, step: c.step, complete: c.complete })),
    keep: plan.keep.map((k) => ({ path: k.ckpt.path, step: k.ckpt.step, reasons: k.reasons })),
    removed: [],
    unmatchedProtect: plan.unmatchedProtect,
    commit: null,
    pushed: false,
  };
  const human = [
    ...result.keep.map((k) => `  keep    ${String(k.step).padStart(10)}  ${k.path}  (${k.reasons.join(', ')})`),
    ...result.delete.map(
      (d) => `  DELETE  ${String(d.step).padStart(10)}  ${d.path}${d.complete ? '' : '  (incomplete)'}`,
    ),
  ];
  const warnings = plan.unmatchedProtect.map(
    (u) => `warning: --protect/final ${u} matches no checkpoint under ${ctx.root}`,
  );
  if (plan.delete.length === 0) return { result, human: [...human, 'nothing to delete'], warnings };
  let confirmed = input.yes;
  if (!confirmed && input.confirm) {
    confirmed = await input.confirm(human, `delete ${plan.delete.length} checkpoint(s)? type "yes" to confirm: `);
    human.length = 0; // the person has seen the plan
  }
  if (!confirmed)
    return {
      result,
      human: [...human, `dry run: ${plan.delete.length} candidate(s); pass --yes to delete them`],
      warnings,
    };
  const removed = await applyPrune(plan);
  result.dryRun = false;
  result.removed = removed.map((c) => ({ path: c.path, step: c.step }));
  human.push(`deleted ${removed.length} checkpoint(s)`);
  if (!ctx.run || removed.length === 0) return { result, human, warnings };
  const id = ctx.run.run.id;
  const args = {
    run: id,
    at: new Date().toISOString(),
    root: ctx.root,
    removed: result.removed,
    kept: result.keep.map((k) => ({ step: k.step, reasons: k.reasons })),
  };
  const tx = await commit(
    openLedger({ ledger: input.ledger }),
    { kind: 'ckpt-prune', run: id, args },
    { push: input.push },
  );
  return { result: { ...result, ...committed(tx) }, human, warnings, pushError: tx.pushError };
}
