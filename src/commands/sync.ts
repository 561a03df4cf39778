import { RunlogCommand } from '../cli/base-command.js';
import { RunlogError } from '../core/errors.js';
import { syncLedger } from '../ledger/commit.js';
import type { SyncResult } from '../schemas/output.js';

export default class Sync extends RunlogCommand {
  static summary = 'Push local commits that were not pushed, replaying their operations onto a moved remote.';
  static examples = ['<%= config.bin %> sync'];

  async run(): Promise<SyncResult> {
    const { flags } = await this.parse(Sync);
    const ledger = this.openLedger(flags);
    const r = await syncLedger(ledger);
    if (r.offline) {
      this.notePushError(new RunlogError('push', 'PUSH_FAILED', `could not update the remote ${ledger.config.remote}: ${r.offline}`, `${r.pending} commit(s) kept locally; run \`runlog sync\` again when the remote is reachable`));
    }
    this.say(r.pending === 0 ? `up to date${r.pushed ? ` (pushed ${r.pushed} commit(s)${r.replayed ? `, ${r.replayed} replayed onto the remote head` : ''})` : ''}` : `${r.pending} commit(s) not pushed`);
    // Hero logbooks keep issue updates GitHub did not take as `mirror=pending` markers; sync is where they are retried (issue 6).
    if (!(ledger.config as Record<string, unknown>)['github']) return this.toJson({ pushed: r.pushed, pending: r.pending, replayed: r.replayed });
    const { flushPendingMirror } = await import('../hero/logbook-mirror.js');
    const m = await flushPendingMirror(ledger, { push: flags.push });
    this.notePushError(m.pushError);
    for (const p of m.posted) this.say(`issue: posted ${p.eventId} from ${p.path}`);
    for (const p of m.pending) this.say(`issue: still pending ${p.eventId} from ${p.path} [${p.code}] ${p.reason}`);
    return this.toJson({ pushed: r.pushed, pending: r.pending, replayed: r.replayed, mirror: { posted: m.posted, pending: m.pending } });
  }
}
