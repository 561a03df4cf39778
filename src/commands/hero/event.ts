import { Args, Flags } from '@oclif/core';
import { RunlogCommand } from '../../cli/base-command.js';
import type { Envelope } from '../../cli/output.js';
import type { HeroEventResult } from '../../schemas/output.js';
import { EVENT_KINDS } from '../../hero/mirror-policy.js';

export default class HeroEvent extends RunlogCommand {
  static summary =
    "Add an entry to a logbook's Event Log (or a task logbook's Entry Log), in the file's own order and time zone; post it to the linked issue when it matters.";
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
      description:
        'what kind of event; milestone, failure, relaunch, rollback, retention, escalation, anomaly, completion and launch go to the issue',
      options: [...EVENT_KINDS],
      default: 'note',
    }),
    post: Flags.boolean({
      description: 'post to the issue (--no-post: never); default: by kind, and at least once every 24 h',
      allowNo: true,
    }),
    at: Flags.string({ description: 'when it happened (ISO-8601, default now)' }),
    'github-api': Flags.string({ description: 'GitHub REST API URL (GitHub Enterprise: https://<host>/api/v3)' }),
  };

  async run(): Promise<Envelope<HeroEventResult>> {
    const { args, flags } = await this.parse(HeroEvent);
    const { heroEventService } = await import('../../app/hero/event.js');
    return this.present(await heroEventService({ ...args, ...flags }));
  }
}
