import { Args } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { showRun } from '../ledger/queries.js';
import type { ShowResult } from '../schemas/output.js';
import { renderRun } from '../cli/render.js';

export default class Show extends RunlogCommand {
  static summary = 'Show the run as a person reads it (state, jobs, status, results, problems in the file).';
  static examples = ['<%= config.bin %> show 2026-03-22_train', '<%= config.bin %> show arx5/2026-03-22_train --json'];
  static args = { run: Args.string({ description: 'run id, file path, or unique suffix', required: true }) };

  async run(): Promise<ShowResult> {
    const { args, flags } = await this.parse(Show);
    const ledger = this.openLedger(flags);
    const { id, path, doc } = showRun(ledger, args.run);
    const v = doc.view;
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
      status: v.status.map((e) => ({ line: e.line, at: e.at, stamp: e.stamp, state: e.state, step: e.step, metrics: e.metrics, message: e.message, continuation: e.continuation })),
      results: v.results,
      wandb: v.wandb,
      next: v.next,
      sections: v.sections,
      diagnostics: doc.diagnostics,
    };
    if (!this.jsonEnabled()) this.log(renderRun(result));
    for (const d of doc.diagnostics) process.stderr.write(`${d.file}:${d.line}: ${d.severity}: ${d.message} [${d.rule}]\n`);
    return result;
  }
}
