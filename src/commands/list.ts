import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import { FAILURE_CLASSES } from '../ledger/failure-classes.js';
import { STATES } from '../ledger/lifecycle.js';
import { listRuns } from '../ledger/queries.js';
import type { ListResult } from '../schemas/output.js';

export default class List extends RunlogCommand {
  static summary = 'One line a run; filter by state, group, type or failure class.';
  static examples = ['<%= config.bin %> list --state running', '<%= config.bin %> list --group arx5_multitask --type experiment --json'];
  static flags = {
    state: Flags.string({ description: 'only runs in this state', options: [...STATES] }),
    group: Flags.string({ description: 'only runs in this group (subfolder of run_logs/)' }),
    type: Flags.string({ description: 'only runs of this type', options: ['replication', 'experiment', 'pipeline'] }),
    class: Flags.string({ description: 'only runs that failed with this class', options: [...FAILURE_CLASSES] }),
  };

  async run(): Promise<ListResult> {
    const { flags } = await this.parse(List);
    const ledger = this.openLedger(flags);
    const { runs, diagnostics } = listRuns(ledger, { state: flags.state, group: flags.group, type: flags.type, failureClass: flags.class });
    if (!this.jsonEnabled()) {
      const w = Math.max(10, ...runs.map((r) => r.id.length));
      for (const r of runs) this.log(`${r.id.padEnd(w)}  ${(r.state + (r.stateInferred ? '*' : '')).padEnd(18)} ${(r.runType ?? '-').padEnd(12)} ${r.updated}`);
      if (runs.some((r) => r.stateInferred)) this.log('* state inferred from the body (no front matter)');
    }
    for (const d of diagnostics) process.stderr.write(`${d.file}:${d.line}: ${d.severity}: ${d.message} [${d.rule}]\n`);
    return { runs };
  }
}
