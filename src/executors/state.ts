/**
 * What this machine launched, kept where only this machine looks: the
 * ledger's local state, inside the git directory (`.git/runlog/attempts/`),
 * never in the tree. A run log, its Job block and any file in the tree
 * arrive through git, and anyone who can push writes them; so the command
 * to run, the process to signal and the output file to read always come
 * from these records, keyed by the attempt's idempotency key
 * (`<run id>#<attempt>`), and never from a path or a pid a run log names.
 *
 * Each attempt has one private folder (mode 700) holding small JSON
 * records: the jobs service keeps the launch plan and the handle the
 * executor returned; an executor keeps whatever it needs to find its job
 * again (the local wrapper's job.json, the SSH worker's pid and boot id).
 *
 *   const state = LocalState.forLedger(root);
 *   state.write(key, 'launch', handle);          // after submit
 *   state.read(key, 'launch', JobHandleSchema);  // undefined: not launched here
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';
import { privateDir } from '../core/confined-fs.js';
import { findGitDir } from '../git/git.js';
import type { JobHandle } from './types.js';

/** A handle exactly as an executor returned it from submit. */
export const JobHandleSchema = z.object({
  executor: z.string(),
  jobId: z.string(),
  outputPath: z.string(),
  host: z.string().optional(),
  submittedAt: z.string(),
  extra: z.record(z.string(), z.string()).optional(),
}) satisfies z.ZodType<JobHandle>;

const RECORD = /^[a-z][a-z0-9-]*$/;

export class LocalState {
  /**
   * @param dir the state root (`<git dir>/runlog`)
   * @param scope the ledger's folder inside the repository: two ledgers in one repository never share a key
   */
  constructor(
    readonly dir: string,
    private readonly scope = '',
  ) {}

  /** The local state of the ledger at `root`: `<git dir>/runlog`, or `<root>/.runlog/state` outside git. */
  static forLedger(root: string): LocalState {
    const git = findGitDir(root);
    if (!git) return new LocalState(join(root, '.runlog', 'state'));
    return new LocalState(join(git.gitDir, 'runlog'), relative(git.top, root).split(sep).join('/'));
  }

  /** The attempt's private folder, created on first use. Its name is readable and cannot collide. */
  attemptDir(key: string): string {
    const digest = createHash('sha256').update(`${this.scope}\0${key}`).digest('hex').slice(0, 16);
    const readable = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    privateDir(join(this.dir, 'attempts'));
    return privateDir(join(this.dir, 'attempts', `${readable}-${digest}`));
  }

  /** A record of attempt `key`, or undefined when this machine has none (or it is not what `schema` says). */
  read<T>(key: string, record: string, schema: z.ZodType<T>): T | undefined {
    return readJson(join(this.attemptDir(key), fileOf(record)), schema);
  }

  /** Replace a record of attempt `key`: readers see the old one or the new one, only this user can read either. */
  write(key: string, record: string, value: unknown): void {
    writeJson(join(this.attemptDir(key), fileOf(record)), value);
  }

  remove(key: string, record: string): void {
    try {
      unlinkSync(join(this.attemptDir(key), fileOf(record)));
    } catch {
      // not there
    }
  }

  /** A record that belongs to no attempt (e.g. since when an SSH host has not answered), by namespace and key. */
  readShared<T>(namespace: string, key: string, schema: z.ZodType<T>): T | undefined {
    return readJson(join(this.sharedDir(namespace), `${hashName(key)}.json`), schema);
  }

  writeShared(namespace: string, key: string, value: unknown | undefined): void {
    const path = join(this.sharedDir(namespace), `${hashName(key)}.json`);
    if (value !== undefined) {
      writeJson(path, value);
      return;
    }
    try {
      unlinkSync(path);
    } catch {
      // nothing recorded
    }
  }

  private sharedDir(namespace: string): string {
    if (!RECORD.test(namespace)) throw new Error(`bad local-state namespace ${namespace}`);
    return privateDir(join(this.dir, namespace));
  }
}

function fileOf(record: string): string {
  if (!RECORD.test(record)) throw new Error(`bad local-state record name ${record}`);
  return `${record}.json`;
}

const hashName = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 32);

function readJson<T>(path: string, schema: z.ZodType<T>): T | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
