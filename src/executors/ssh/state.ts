/**
 * What this machine launched over SSH, kept in the ledger's local state
 * (inside the git directory, never in the tree): the destination, the
 * attempt directory on the worker, the pid with its start time and the boot
 * id. Poll and stop act only on these records. A Job block names a host, a
 * workdir and a pid too, but a Job block arrives through git and anyone can
 * push one, so it is never what chooses where to connect or what to signal.
 *
 * Also kept: since when each destination has not answered, so a transport
 * outage is measured across CLI runs and supervisor restarts alike.
 */
import { z } from 'zod';
import { LocalState } from '../state.js';

export const AttemptRecordSchema = z.object({
  schema: z.literal(1),
  key: z.string(),
  /**
   * Random, made when this machine first tries the launch. The worker's key
   * is `<attempt key> <launch id>`: another ledger with the same run id on
   * the same workdir is refused, never adopted.
   */
  launchId: z.string(),
  runId: z.string(),
  attempt: z.number().int(),
  /** The --host name (a profile, or the destination itself). */
  host: z.string(),
  destination: z.string(),
  workdir: z.string(),
  submittedAt: z.string(),
  /** Where the worker's output is mirrored on this machine. */
  mirror: z.string(),
  /** Filled in once the worker reported the launch. */
  dir: z.string().optional(),
  pid: z.number().int().optional(),
  pidStart: z.string().optional(),
  bootId: z.string().optional(),
  startedEpoch: z.number().optional(),
});
export type SshAttemptRecord = z.infer<typeof AttemptRecordSchema>;

const OutageSchema = z.object({ since: z.number(), error: z.string() });
export type Outage = z.infer<typeof OutageSchema>;

/** SSH's records, kept in the ledger's local state (../state.ts) beside the jobs service's own. */
export class SshStateStore {
  constructor(readonly state: LocalState) {}

  /** The store of the ledger at `root` (see LocalState.forLedger). */
  static forLedger(root: string): SshStateStore {
    return new SshStateStore(LocalState.forLedger(root));
  }

  attempt(key: string): SshAttemptRecord | undefined {
    const rec = this.state.read(key, 'ssh', AttemptRecordSchema);
    return rec?.key === key ? rec : undefined;
  }

  saveAttempt(record: SshAttemptRecord): void {
    this.state.write(record.key, 'ssh', record);
  }

  outage(destination: string): Outage | undefined {
    return this.state.readShared('ssh-hosts', destination, OutageSchema);
  }

  setOutage(destination: string, outage: Outage | undefined): void {
    this.state.writeShared('ssh-hosts', destination, outage);
  }
}
