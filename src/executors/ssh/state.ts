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
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { findGitDir } from '../../git/git.js';

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

const fileName = (key: string) => `${createHash('sha256').update(key).digest('hex').slice(0, 32)}.json`;

export class SshStateStore {
  constructor(readonly dir: string) {}

  /** The store of the ledger at `root`: `<git dir>/runlog/ssh`, or `<root>/.runlog/state/ssh` outside git. */
  static forLedger(root: string): SshStateStore {
    const git = findGitDir(root);
    return new SshStateStore(git ? join(git.gitDir, 'runlog', 'ssh') : join(root, '.runlog', 'state', 'ssh'));
  }

  attempt(key: string): SshAttemptRecord | undefined {
    const value = this.read(join(this.dir, 'attempts', fileName(key)));
    const parsed = AttemptRecordSchema.safeParse(value);
    return parsed.success && parsed.data.key === key ? parsed.data : undefined;
  }

  saveAttempt(record: SshAttemptRecord): void {
    this.write(join(this.dir, 'attempts', fileName(record.key)), record);
  }

  outage(destination: string): Outage | undefined {
    const parsed = OutageSchema.safeParse(this.read(join(this.dir, 'hosts', fileName(destination))));
    return parsed.success ? parsed.data : undefined;
  }

  setOutage(destination: string, outage: Outage | undefined): void {
    const path = join(this.dir, 'hosts', fileName(destination));
    if (outage) this.write(path, outage);
    else {
      try {
        unlinkSync(path);
      } catch {
        // No outage was recorded.
      }
    }
  }

  private read(path: string): unknown {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Readers see the old record or the new one; only this user can read either. */
  private write(path: string, value: unknown): void {
    mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  }
}
