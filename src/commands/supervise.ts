import { Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { SuperviseResult } from '../schemas/output.js';
import { parseDuration } from '../core/time.js';

export default class Supervise extends RunlogCommand {
  static summary = 'The long-running control loop: a poll pass every interval; reconciles with the executors on start; SIGTERM stops it after the current pass.';
  static examples = ['<%= config.bin %> supervise --every 60s', '<%= config.bin %> supervise --every 1s --exit-when-idle'];
  static flags = {
    every: Flags.string({ description: 'time between passes', default: '60s' }),
    'max-passes': Flags.integer({ description: 'stop after this many passes', min: 1 }),
    'exit-when-idle': Flags.boolean({ description: 'stop once no run is active or waiting to launch', default: false }),
  };

  async run(): Promise<SuperviseResult> {
    const { flags } = await this.parse(Supervise);
    const everyMs = parseDuration(flags.every, '--every');
    const ledger = this.openLedger(flags);
    const { createContext, superviseLoop } = await import('../jobs/index.js');
    const ctx = createContext(ledger, { push: flags.push });
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    this.say(`supervise: watching ${ledger.root} every ${flags.every} (SIGTERM or Ctrl-C stops after the current pass)`);
    try {
      const summary = await superviseLoop(ctx, {
        everyMs,
        maxPasses: flags['max-passes'],
        exitWhenIdle: flags['exit-when-idle'],
        signal: stop.signal,
        onChange: (c) => this.say(`${new Date().toISOString()} ${c.id}: ${c.from} → ${c.to} (${c.action}) ${c.message}${c.commit ? ` [${c.commit.slice(0, 12)}]` : ''}`),
        onPass: (r) => {
          for (const t of r.transportErrors) process.stderr.write(`warning: executor unreachable, states unchanged: ${t}\n`);
        },
      });
      this.say(`supervise: ${summary.passes} pass(es), ${summary.changes.length} change(s), stopped by ${summary.stoppedBy}`);
      return this.toJson({ ...summary, pushed: ctx.unpushed === 0 });
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      this.notePushError(ctx.pushError);
    }
  }
}
