import { RunlogCommand } from '../cli/base-command.js';
import type { Envelope } from '../cli/output.js';
import type { AuditResult } from '../schemas/output.js';

export default class Audit extends RunlogCommand {
  static summary =
    "Scan the ledger's whole history, tags, refs and working files for secrets; exit 1 when any is found.";
  static description =
    'Reads every commit message, Runlog-Op trailer and committed change on every ref (refs/runlog/* included), every tag message and ref name, and the working files under the ledger, with the same scrubber every write passes. Prints commit (or ref), where, path and kind; never the value. Ledgers written by earlier runlog versions may hold raw secrets in their trailers: audit finds them. To remove one, rotate the secret first, then rewrite history (README "Security").';
  static examples = ['<%= config.bin %> audit', '<%= config.bin %> audit --json'];

  async run(): Promise<Envelope<AuditResult>> {
    const { flags } = await this.parse(Audit);
    const { auditService } = await import('../app/audit.js');
    return this.present(await auditService(flags));
  }
}
