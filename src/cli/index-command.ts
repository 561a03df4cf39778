/** timeline and experiments: rebuild a folder index, or with --check only say whether it is stale. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunlogCommand } from './base-command.js';
import { validateSlug } from '../core/slug.js';
import type { IndexResult } from '../schemas/output.js';

export abstract class IndexCommand extends RunlogCommand {
  protected async rebuild(kind: 'timeline' | 'experiments', flags: { group?: string; check: boolean; ledger?: string; push: boolean }): Promise<IndexResult> {
    const group = flags.group === undefined ? undefined : validateSlug(flags.group, 'group');
    const ledger = this.openLedger(flags);
    const { applyOperation } = await import('../ledger/ops/index.js');
    const view = {
      root: ledger.root,
      config: ledger.config,
      read: (p: string) => {
        try {
          return readFileSync(join(ledger.root, p), 'utf8');
        } catch {
          return null;
        }
      },
    };
    const planned = await applyOperation(view, { v: 1, kind, args: { group } });
    const stale = planned.writes.filter((w) => view.read(w.path) !== w.content).map((w) => w.path);
    const files = planned.writes.map((w) => w.path);
    if (flags.check) {
      if (stale.length > 0) {
        process.stderr.write(`stale: ${stale.join(', ')}\nhint: run \`runlog ${kind}\` to rebuild\n`);
        process.exitCode = 1;
      } else this.say(`${kind}: up to date (${files.length} file(s))`);
      return { files, stale, commit: null, pushed: false };
    }
    const tx = await this.commit(ledger, { kind, args: { group } }, flags.push);
    this.say(stale.length > 0 ? `rebuilt ${stale.join(', ')}` : `${kind}: up to date (${files.length} file(s))`);
    return this.toJson({ files, stale, ...tx.out });
  }
}
