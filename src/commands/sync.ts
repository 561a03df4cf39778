import { RunlogCommand } from '../cli/base-command.js';
import { RunlogError } from '../errors.js';
import { Transaction } from '../git/transaction.js';
import type { SyncResult } from '../schemas/output.js';

export default class Sync extends RunlogCommand {
  static summary = 'Push local commits that were not pushed, replaying their operations onto a moved remote.';
  static examples = ['<%= config.bin %> sync'];

  async run(): Promise<SyncResult> {
    const { flags } = await this.parse(Sync);
    const ledger = this.openLedger(flags);
    const { applyOperation } = await import('../ledger/ops/index.js');
    const r = await new Transaction(ledger, applyOperation).sync();
    if (r.offline) {
      this.notePushError(new RunlogError('push', 'PUSH_FAILED', `could not update the remote ${ledger.config.remote}: ${r.offline}`, `${r.pending} commit(s) kept locally; run \`runlog sync\` again when the remote is reachable`));
    }
    this.say(r.pending === 0 ? `up to date${r.pushed ? ` (pushed ${r.pushed} commit(s)${r.replayed ? `, ${r.replayed} replayed onto the remote head` : ''})` : ''}` : `${r.pending} commit(s) not pushed`);
    return this.toJson({ pushed: r.pushed, pending: r.pending, replayed: r.replayed });
  }
}
