import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { failed } from '../../core/errors.js';

/** Typed views of the files in a local job's output directory (see files.ts). */

export const intentSchema = z.object({
  schema: z.literal(1),
  idempotencyKey: z.string(),
  runId: z.string(),
  attempt: z.number(),
  argv: z.array(z.string()).min(1),
  cwd: z.string(),
  submittedAt: z.string(),
});
export type IntentRecord = z.infer<typeof intentSchema>;

/** Written by libexec/local-wrapper.mjs; `pgid` appears once the command runs. */
export const jobRecordSchema = z.object({
  schema: z.literal(1),
  idempotencyKey: z.string(),
  runId: z.string().optional(),
  attempt: z.number().optional(),
  argv: z.array(z.string()),
  cwd: z.string(),
  host: z.string(),
  bootId: z.string().optional(),
  /** The wrapper: the job is alive while it is. */
  pid: z.number().int(),
  pidStartTicks: z.string().optional(),
  submittedAt: z.string().optional(),
  claimedAt: z.string(),
  /** The command's own process group (its leader is the command). */
  pgid: z.number().int().optional(),
  childPid: z.number().int().optional(),
  childStartTicks: z.string().optional(),
  startedAt: z.string().optional(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

export const exitRecordSchema = z.object({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  endedAt: z.string(),
  /** Set when the command could not be started at all. */
  error: z.string().optional(),
});
export type ExitRecord = z.infer<typeof exitRecordSchema>;

export const stopRecordSchema = z.object({
  requestedAt: z.string(),
  graceMs: z.number(),
});
export type StopRecord = z.infer<typeof stopRecordSchema>;

/** The record, or undefined when the file does not exist yet. */
export function readRecord<T>(path: string, schema: z.ZodType<T>): T | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw failed(
      'LOCAL_RECORD_UNREADABLE',
      `cannot read ${path}: ${(err as Error).message}`,
      'check the permissions of the job output directory',
      {
        cause: err,
      },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw corrupt(path, (err as Error).message, err);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw corrupt(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

const corrupt = (path: string, why: string, cause?: unknown) =>
  failed(
    'LOCAL_RECORD_CORRUPT',
    `${path} is not a valid job record (${why})`,
    'the file was edited or truncated; inspect it, or launch a new attempt in a fresh output directory',
    {
      cause,
    },
  );

/** Readers see the old file or the new one, never half of it. */
export function writeRecord(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
