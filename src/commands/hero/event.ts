import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { HeroEventResult } from '../../schemas/output.js';
import { renderMirror } from '../../cli/render/hero.js';

export default class HeroEvent extends RunlogCommand {
  static summary = "Add an entry to a logbook's Event Log (or a task logbook's Entry Log), in the file's own order and time zone; post it to the linked issue when it matters.";
  static examples = [
    '<%= config.bin %> hero event grug-moe-1e23-ep8 "loss spike at step 41200" --kind anomaly --status "running, step 41250" --evidence "loss 2.9 vs trend 1.8 for 12 steps" --decision "watch 2 cadences" --next "roll back to 40000 if it persists"',
    '<%= config.bin %> hero event router-collapse "second probe done" --next "longer run"',
  ];
  static args = {
    run: Args.string({ description: 'logbook slug under .agents/logbooks/ (or its path)', required: true }),
    text: Args.string({ description: 'what happened (the entry title)', required: true }),
  };
  static flags = {
    status: Flags.string({ description: 'Status field' }),
    evidence: Flags.string({ description: 'Evidence field' }),
    decision: Flags.string({ description: 'Decision field' }),
    next: Flags.string({ description: 'Next field (written as the file\'s own key, e.g. "Next action")' }),
    kind: Flags.string({
      description: 'what kind of event; milestone, failure, relaunch, rollback, retention, escalation, anomaly, completion and launch go to the issue',
      options: ['note', 'check', 'launch', 'milestone', 'failure', 'relaunch', 'rollback', 'retention', 'escalation', 'anomaly', 'completion'],
      default: 'note',
    }),
    post: Flags.boolean({ description: 'post to the issue (--no-post: never); default: by kind, and at least once every 24 h', allowNo: true }),
    at: Flags.string({ description: 'when it happened (ISO-8601, default now)' }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<HeroEventResult> {
    const { args, flags } = await this.parse(HeroEvent);
    const { heroEvent } = await import('../../hero/event.js');
    const { parseIsoFlag } = await import('../../core/time.js');
    const ledger = this.openLedger(flags);
    const r = await heroEvent(ledger, {
      ref: args.run,
      text: args.text,
      status: flags.status,
      evidence: flags.evidence,
      decision: flags.decision,
      next: flags.next,
      kind: flags.kind as import('../../hero/mirror-policy.js').EventKind,
      post: flags.post,
      at: flags.at ? parseIsoFlag(flags.at, '--at') : new Date(),
      apiUrl: flags['github-api'],
      push: flags.push,
    });
    this.notePushError(r.pushError);
    this.say(r.written ? `${r.path}: logged "${args.text}" (${r.eventId})` : `${r.path}: already has event ${r.eventId}; nothing written`);
    for (const line of renderMirror(r.mirror, r.why, r.flush)) this.say(line);
    return this.toJson({ slug: r.slug, path: r.path, eventId: r.eventId, written: r.written, mirror: r.mirror, why: r.why, commit: r.commit, pushed: r.pushed, pending: r.flush?.pending ?? [], posted: r.flush?.posted ?? [] });
  }
}
