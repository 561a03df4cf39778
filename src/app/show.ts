/** `runlog show`: one run as a person reads it (and as JSON), with its diagnostics. */
import { openLedger } from '../git/ledger-repo.js';
import { showRun } from '../ledger/read/queries.js';
import type { ShowResult } from '../schemas/output.js';
import { renderRun } from '../cli/render/run.js';
import type { CommandOutput } from '../cli/output.js';
import { unsignedEvalSuggestions } from '../lint/rules.js';
import { lossSparkline } from '../plot/sparkline.js';
import { isOurs, nextFactsOf, nextSteps } from '../ledger/read/next.js';

/** `chart`: print the loss sparkline (the caller decides: a terminal, and no --no-chart). */
export async function showService(input: {
  run: string;
  ledger?: string;
  json: boolean;
  chart?: boolean;
}): Promise<CommandOutput<ShowResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const { id, path, doc } = showRun(ledger, input.run);
  const v = doc.view;
  // An eval/upload suggestion for a checkpoint with no passport and signoff is never shown as advice.
  const unsigned = new Set(unsignedEvalSuggestions(doc));
  const nextSection = doc.section('Next');
  // runlog's suggestion from the run as it is now, then the lines a person wrote.
  const next = [
    ...nextSteps(nextFactsOf(doc, id)).map((s) => `- ${s}`),
    ...(nextSection?.contentLines ?? [])
      .filter((l) => l.text.trim() !== '' && !isOurs(l))
      .map((l) =>
        unsigned.has(l.number)
          ? `${l.text.replace(/^(\s*[-*+]\s*)?/, '$1[blocked: generate and sign MODEL_PASSPORT.json + SIGNOFF.json first (runlog ckpt passport / ckpt signoff)] ')}`
          : l.text,
      ),
  ];
  const result: ShowResult = {
    id,
    path,
    state: v.state,
    stateInferred: v.stateInferred,
    runType: v.runType,
    subtype: v.subtype,
    objective: v.objective,
    title: v.title,
    attempt: v.attempt,
    failureClass: v.failureClass,
    hasFrontMatter: v.hasFrontMatter,
    config: v.config,
    jobs: v.jobs,
    status: v.status.map((e) => ({
      line: e.line,
      at: e.at,
      stamp: e.stamp,
      state: e.state,
      step: e.step,
      metrics: e.metrics,
      message: e.message,
      continuation: e.continuation,
    })),
    results: v.results,
    wandb: v.wandb,
    next,
    nextBlocked: [...unsigned],
    sections: v.sections,
    diagnostics: doc.diagnostics,
  };
  return {
    result,
    human: input.json ? [] : [renderRun(result, input.chart ? lossSparkline(v.status) : null)],
    warnings: doc.diagnostics.map((d) => `${d.file}:${d.line}: ${d.severity}: ${d.message} [${d.rule}]`),
  };
}
