import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../cli/base-command.js';
import type { BabysitResult } from '../schemas/output.js';
import { sleep } from '../core/backoff.js';

export default class Babysit extends RunlogCommand {
  static summary = 'Babysit a hero run: each cycle reads job state, output progress, checkpoints and W&B, runs the anomaly detectors, writes an Event Log entry, commits and pushes it, and posts milestones, failures and escalations to the issue.';
  static description =
    'Each entry says whether the monitor is stale (our monitoring is blind; the run may be fine) or the run is unhealthy, and what to do next. A routine check is written once per cadence window; the issue gets a routine status at most every 24 h. Without --once it loops until the job ends.';
  static examples = ['<%= config.bin %> babysit grug-moe-1e23-ep8 --every 15m', '<%= config.bin %> babysit grug-moe-1e23-ep8 --once --json', '<%= config.bin %> babysit router-collapse --once --log /scratch/me/probe.out'];
  static args = { run: Args.string({ description: 'logbook slug under .agents/logbooks/ (hero or hand-kept)', required: true }) };
  static flags = {
    every: Flags.string({ description: 'check cadence', default: '15m' }),
    once: Flags.boolean({ description: 'run one cycle and exit', default: false }),
    'max-cycles': Flags.integer({ description: 'stop after this many cycles', min: 1 }),
    log: Flags.string({ description: "job output log to read when the logbook has no run log (hand-kept logbooks)" }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<BabysitResult> {
    const { args, flags } = await this.parse(Babysit);
    const { parseDuration } = await import('../core/time.js');
    const { babysitCycle } = await import('../hero/babysit.js');
    const everyMs = parseDuration(flags.every, '--every');
    const ledger = this.openLedger(flags);
    const max = flags.once ? 1 : (flags['max-cycles'] ?? Number.POSITIVE_INFINITY);
    const out: BabysitResult = { slug: '', path: '', cycles: [], pending: [], posted: [], pushed: false };
    for (let n = 0; n < max; n++) {
      const r = await babysitCycle(ledger, { ref: args.run, everyMs, log: flags.log, now: new Date(), push: flags.push, apiUrl: flags['github-api'] });
      this.notePushError(r.pushError);
      const { slug, path, ended, flush, pushed, pushError: _e, ...cycle } = r;
      out.slug = slug;
      out.path = path;
      out.cycles.push(cycle);
      out.pushed ||= pushed;
      out.posted.push(...(flush?.posted ?? []));
      out.pending = flush?.pending ?? out.pending;
      this.say(`${cycle.at} ${cycle.written ? '' : '(already checked this cadence) '}${cycle.title} [${cycle.health}]`);
      for (const f of cycle.findings.filter((x) => x.severity !== 'info')) this.say(`  ${f.kind === 'monitor_stale' ? 'MONITOR STALE' : 'RUN UNHEALTHY'} ${f.detector}: ${f.message} → ${f.next}`);
      for (const p of flush?.posted ?? []) this.say(`  issue: posted ${p.eventId} → ${p.commentUrl}`);
      for (const p of flush?.pending ?? []) this.say(`  issue: PENDING ${p.eventId} [${p.code}] ${p.reason}; the next cycle or \`runlog sync\` posts it`);
      if (ended) {
        const completed = cycle.job?.phase === 'completed';
        this.say(completed ? `${slug}: the job completed; verify the final checkpoint and W&B summary, then seal` : `${slug}: the job has ended; follow Next (relaunch with \`runlog hero launch ${slug}\` only when the failure is recoverable), then babysit again`);
        break;
      }
      if (n + 1 < max) await sleep(everyMs - (Date.now() % everyMs) + 1000);
    }
    return this.toJson(out);
  }
}
