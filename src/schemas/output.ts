/**
 * The `--json` contract (CLI.md): one zod schema per command result. Tests
 * validate every command's real output against these; commands import only
 * the inferred types, so zod stays off the start-up path.
 */
import { z } from 'zod';

export const ErrorOutput = z.object({
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).passthrough(),
});

const Entry = z.object({
  at: z.string(),
  state: z.string(),
  step: z.number().nullable(),
  metrics: z.record(z.string(), z.number().nullable()),
  message: z.string(),
});

const Committed = {
  commit: z.string().nullable(),
  pushed: z.boolean(),
};

export const InitOutput = z.object({ root: z.string(), created: z.array(z.string()), remote: z.string().nullable(), ...Committed }).passthrough();
export const NewOutput = z.object({ id: z.string(), path: z.string(), state: z.string(), ...Committed }).passthrough();
export const AppendOutput = z.object({ id: z.string(), entry: Entry, ...Committed }).passthrough();
export const EntryOutput = z.object({ id: z.string(), state: z.string(), previousState: z.string(), entry: Entry, ...Committed }).passthrough();
export const CompleteOutput = EntryOutput.extend({ results: z.record(z.string(), z.string()) });
export const ResumeOutput = EntryOutput.extend({ attempt: z.number().int(), heading: z.string() });

export const ShowOutput = z
  .object({
    id: z.string(),
    path: z.string(),
    state: z.string(),
    stateInferred: z.boolean(),
    runType: z.string().nullable(),
    objective: z.string().nullable(),
    attempt: z.number().int(),
    jobs: z.array(z.object({ heading: z.string(), line: z.number().int(), fields: z.record(z.string(), z.string()) })),
    status: z.array(
      z.object({
        line: z.number().int(),
        at: z.string().nullable(),
        state: z.string().nullable(),
        step: z.number().nullable(),
        metrics: z.record(z.string(), z.number().nullable()),
        message: z.string(),
        continuation: z.boolean(),
      }).passthrough(),
    ),
    results: z.record(z.string(), z.string()).nullable(),
    diagnostics: z.array(z.object({ file: z.string(), line: z.number().int(), rule: z.string(), message: z.string(), severity: z.enum(['error', 'warning']) })),
  })
  .passthrough();

export const ListOutput = z.object({
  runs: z.array(z.object({ id: z.string(), path: z.string(), state: z.string(), runType: z.string().nullable(), updated: z.string() }).passthrough()),
}).passthrough();

export const IndexOutput = z.object({ files: z.array(z.string()), stale: z.array(z.string()), ...Committed }).passthrough();

export const HistoryOutput = z.object({
  id: z.string(),
  commits: z.array(z.object({ sha: z.string(), at: z.string(), author: z.string(), subject: z.string() })),
});

export const SyncOutput = z.object({ pushed: z.number().int(), pending: z.number().int(), replayed: z.number().int() }).passthrough();

export type InitResult = z.infer<typeof InitOutput>;
export type NewResult = z.infer<typeof NewOutput>;
export type AppendResult = z.infer<typeof AppendOutput>;
export type EntryResultOut = z.infer<typeof EntryOutput>;
export type CompleteResult = z.infer<typeof CompleteOutput>;
export type ResumeResult = z.infer<typeof ResumeOutput>;
export type ShowResult = z.infer<typeof ShowOutput>;
export type ListResult = z.infer<typeof ListOutput>;
export type IndexResult = z.infer<typeof IndexOutput>;
export type HistoryResult = z.infer<typeof HistoryOutput>;
export type SyncResult = z.infer<typeof SyncOutput>;
