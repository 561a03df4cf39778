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
export const CompleteOutput = EntryOutput.extend({ results: z.record(z.string(), z.string()), chart: z.string().nullable().optional() });
export const PlotOutput = z
  .object({
    id: z.string(),
    path: z.string(),
    /** The SVG, relative to the ledger root. */
    chart: z.string(),
    /** The link as Results writes it, relative to the run log's folder. */
    link: z.string(),
    bytes: z.number().int().positive(),
    /** Attempts whose output log was read (0: Status entries only). */
    logAttempts: z.number().int().min(0),
    ...Committed,
  })
  .strict();
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
export type PlotCommandResult = z.infer<typeof PlotOutput>;
export type ResumeResult = z.infer<typeof ResumeOutput>;
export type ShowResult = z.infer<typeof ShowOutput>;
export type ListResult = z.infer<typeof ListOutput>;
export type IndexResult = z.infer<typeof IndexOutput>;
export type HistoryResult = z.infer<typeof HistoryOutput>;
export type SyncResult = z.infer<typeof SyncOutput>;

// ---- checkpoints, publish, seal, W&B, lint (ISSUE 7) ----

const Checkpoint = z.object({
  path: z.string(),
  step: z.number().int(),
  complete: z.boolean(),
  kind: z.enum(['dir', 'file']),
  sizeBytes: z.number().int().optional(),
  lineage: z.array(z.enum(['launch_source', 'recovery_source', 'milestone', 'rejected'])),
});

export const CkptListOutput = z.object({ root: z.string(), run: z.string().nullable(), checkpoints: z.array(Checkpoint) });
export const CkptPickOutput = z.object({
  root: z.string(),
  run: z.string().nullable(),
  checkpoint: Checkpoint,
  skipped: z.array(z.object({ path: z.string(), step: z.number().int(), reason: z.enum(['incomplete', 'rejected_lineage']) })),
});
export const CkptPruneOutput = z.object({
  root: z.string(),
  run: z.string().nullable(),
  dryRun: z.boolean(),
  delete: z.array(z.object({ path: z.string(), step: z.number().int(), complete: z.boolean() })),
  keep: z.array(z.object({ path: z.string(), step: z.number().int(), reasons: z.array(z.string()) })),
  removed: z.array(z.object({ path: z.string(), step: z.number().int() })),
  unmatchedProtect: z.array(z.string()),
  ...Committed,
});
export const CkptPassportOutput = z.object({
  file: z.string(),
  checkpoint: z.string(),
  run: z.string(),
  step: z.number().int().nullable(),
  sha256: z.string(),
  weightFiles: z.number().int(),
  provenance: z.record(z.string(), z.string()),
  ...Committed,
}).passthrough();
const VerifyIssue = z.object({ check: z.string(), message: z.string(), path: z.string().optional() });
export const CkptSignoffOutput = z.object({
  file: z.string(),
  checkpoint: z.string(),
  run: z.string().nullable(),
  verdict: z.enum(['pass', 'soft_signal']),
  verdict_reason: z.string().nullable(),
  artifacts: z.number().int(),
  sha256: z.string(),
  warnings: z.array(VerifyIssue),
  ...Committed,
}).passthrough();
export const CkptVerifyOutput = z.object({
  ok: z.boolean(),
  root: z.string(),
  failures: z.array(VerifyIssue),
  warnings: z.array(VerifyIssue),
  signoff: z.object({ verdict: z.string(), verdict_reason: z.string().nullable().optional(), signed_at: z.string(), signed_by: z.object({ tool: z.string(), version: z.string() }) }).optional(),
});

const Removal = z.object({ rule: z.string(), count: z.number().int() });
const Leak = z.object({ file: z.string(), line: z.number().int(), rule: z.string() });
export const PublishOutput = z.object({
  out: z.string(),
  run: z.string().nullable(),
  check: z.boolean(),
  files: z.array(z.string()),
  removed: z.array(Removal),
  leaks: z.array(Leak),
});

export const SealOutput = z.object({
  run: z.string(),
  tag: z.string(),
  target: z.string(),
  sealCommit: z.string().nullable(),
  created: z.boolean(),
  tagPushed: z.boolean(),
  recorded: z.boolean(),
  message: z.string(),
  ...Committed,
});

const WandbRunOut = z.object({
  id: z.string(),
  path: z.string(),
  offline: z.boolean(),
  startedAt: z.string(),
  sizeBytes: z.number().int(),
  config: z.record(z.string(), z.unknown()).optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
  bloat: z.object({ flagged: z.boolean(), bytes: z.number().int(), thresholdBytes: z.number(), offenders: z.array(z.object({ path: z.string(), sizeBytes: z.number().int(), kind: z.string() })) }),
  warnings: z.array(z.string()),
});
export const WandbShowOutput = z.object({
  run: z.string().nullable(),
  dirs: z.array(z.string()),
  runs: z.array(WandbRunOut),
  staging: z.object({ path: z.string(), flagged: z.boolean(), bytes: z.number().int() }).passthrough().nullable(),
  bloatFlagged: z.boolean(),
});
export const WandbSyncOutput = z.object({
  run: z.string().nullable(),
  dryRun: z.boolean(),
  argv: z.array(z.string()),
  keySource: z.string(),
  runs: z.array(z.object({ id: z.string(), path: z.string(), url: z.string() })),
  urls: z.array(z.string()),
  bloatFlagged: z.boolean(),
  recorded: z.boolean(),
  ...Committed,
});

export const LintOutput = z.object({
  files: z.number().int(),
  errors: z.number().int(),
  warnings: z.number().int(),
  findings: z.array(z.object({ rule: z.string(), severity: z.enum(['error', 'warning']), file: z.string(), line: z.number().int(), message: z.string() })),
});

export const AuditOutput = z
  .object({
    clean: z.boolean(),
    scanned: z.object({ commits: z.number().int(), tags: z.number().int(), refs: z.number().int(), files: z.number().int() }).strict(),
    findings: z.array(
      z
        .object({
          where: z.enum(['message', 'trailer', 'diff', 'tag', 'ref', 'file']),
          commit: z.string().nullable(),
          ref: z.string().nullable(),
          path: z.string().nullable(),
          kind: z.string(),
          count: z.number().int().positive(),
        })
        .strict(),
    ),
  })
  .strict();

export type AuditResult = z.infer<typeof AuditOutput>;
export type CkptListResult = z.infer<typeof CkptListOutput>;
export type CkptPickResult = z.infer<typeof CkptPickOutput>;
export type CkptPruneResult = z.infer<typeof CkptPruneOutput>;
export type CkptPassportResult = z.infer<typeof CkptPassportOutput>;
export type CkptSignoffResult = z.infer<typeof CkptSignoffOutput>;
export type CkptVerifyResult = z.infer<typeof CkptVerifyOutput>;
export type PublishResult = z.infer<typeof PublishOutput>;
export type SealResult = z.infer<typeof SealOutput>;
export type WandbShowResult = z.infer<typeof WandbShowOutput>;
export type WandbSyncResult = z.infer<typeof WandbSyncOutput>;
export type LintResult = z.infer<typeof LintOutput>;

// ---- hero runs, logbooks, babysitting (issue 6) ------------------------------

const MirrorPending = z.object({ path: z.string(), eventId: z.string(), code: z.string(), reason: z.string(), retryAt: z.string().optional() });
const MirrorPosted = z.object({ path: z.string(), eventId: z.string(), commentUrl: z.string() });
const MirrorState = z.enum(['pending', 'posted', 'none']);

export const HeroInitOutput = z.object({
  slug: z.string(),
  path: z.string(),
  issueUrl: z.string().nullable(),
  runLog: z.object({ id: z.string(), path: z.string() }).nullable(),
  created: z.array(z.string()),
  issue: z
    .object({ url: z.string(), number: z.number().int(), repo: z.string(), status: z.enum(['created', 'adopted']), bodyLink: z.enum(['linked', 'already_linked', 'pending']), pendingReason: z.string().optional() })
    .nullable(),
  ...Committed,
}).passthrough();

export const HeroEventOutput = z.object({
  slug: z.string(),
  path: z.string(),
  eventId: z.string(),
  written: z.boolean(),
  mirror: MirrorState,
  why: z.string(),
  pending: z.array(MirrorPending),
  posted: z.array(MirrorPosted),
  ...Committed,
}).passthrough();

export const ChecklistItem = z.object({
  item: z.string(),
  value: z.string(),
  /** Where the value came from; `inferred` values are labelled so in the logbook. */
  source: z.enum(['flag', 'contract', 'config', 'git', 'checkpoint', 'previous', 'inferred']),
  ok: z.boolean(),
  reason: z.string().optional(),
});

export const HeroLaunchOutput = z.object({
  slug: z.string(),
  path: z.string(),
  relaunch: z.boolean(),
  instance: z.string(),
  checklist: z.array(ChecklistItem),
  blocked: z.array(z.string()),
  dryRun: z.boolean(),
  drift: z.array(z.object({ key: z.string(), before: z.unknown(), after: z.unknown(), critical: z.boolean() })),
  submitted: z.object({ run: z.string(), executor: z.string(), jobId: z.string(), outputPath: z.string() }).passthrough().nullable(),
  eventId: z.string().nullable(),
  mirror: MirrorState.nullable(),
  pending: z.array(MirrorPending),
  posted: z.array(MirrorPosted),
  ...Committed,
}).passthrough();

const Finding = z.object({ detector: z.string(), severity: z.enum(['info', 'warn', 'alert']), kind: z.enum(['run_unhealthy', 'monitor_stale', 'artifact']), message: z.string(), evidence: z.string(), next: z.string() });

export const BabysitCycle = z.object({
  at: z.string(),
  eventId: z.string(),
  written: z.boolean(),
  interesting: z.boolean(),
  title: z.string(),
  /** `ok`, `monitor_stale` (our monitoring failed) or `run_unhealthy` (the run itself), kept apart. */
  health: z.enum(['ok', 'monitor_stale', 'run_unhealthy']),
  job: z.object({ run: z.string().nullable(), jobId: z.string().nullable(), phase: z.string(), evidence: z.string() }).nullable(),
  progress: z.object({ step: z.number().nullable(), loss: z.number().nullable(), throughput: z.string().nullable(), finalStep: z.number().nullable() }),
  checkpoints: z.object({ complete: z.number().int(), newestStep: z.number().nullable() }).nullable(),
  wandb: z.object({ id: z.string(), step: z.number().nullable() }).nullable(),
  findings: z.array(Finding),
  mirror: MirrorState,
  commit: z.string().nullable(),
});

export const BabysitOutput = z.object({
  slug: z.string(),
  path: z.string(),
  cycles: z.array(BabysitCycle),
  pending: z.array(MirrorPending),
  posted: z.array(MirrorPosted),
  pushed: z.boolean(),
}).passthrough();

export type HeroInitResult = z.infer<typeof HeroInitOutput>;
export type HeroEventResult = z.infer<typeof HeroEventOutput>;
export type HeroLaunchResult = z.infer<typeof HeroLaunchOutput>;
export type ChecklistEntry = z.infer<typeof ChecklistItem>;
export type BabysitResult = z.infer<typeof BabysitOutput>;
export type BabysitCycleResult = z.infer<typeof BabysitCycle>;

// ---- jobs: submit, poll, supervise, stop, retry, restart ------------------

const Launched = {
  commits: z.array(z.string()),
  commit: z.string().nullable(),
  pushed: z.boolean(),
};

export const SubmitOutput = z
  .object({
    id: z.string(),
    attempt: z.number().int(),
    key: z.string(),
    previousState: z.string(),
    state: z.string(),
    executor: z.string(),
    outputDir: z.string(),
    jobId: z.string().optional(),
    outputLog: z.string().optional(),
    host: z.string().optional(),
    pid: z.string().optional(),
    ...Launched,
  })
  .passthrough();

export const PassChangeOutput = z.object({
  id: z.string(),
  attempt: z.number().int(),
  from: z.string(),
  to: z.string(),
  action: z.enum(['progress', 'state', 'end', 'retry_scheduled', 'launch', 'error']),
  message: z.string(),
  jobId: z.string().optional(),
  commit: z.string().nullable(),
});

export const PollOutput = z
  .object({
    at: z.string(),
    runs: z.number().int(),
    executorQueries: z.number().int(),
    transportErrors: z.array(z.string()),
    changes: z.array(PassChangeOutput),
    durationMs: z.number(),
    pushed: z.boolean(),
  })
  .passthrough();

export const SuperviseOutput = z
  .object({
    passes: z.number().int(),
    executorQueries: z.number().int(),
    changes: z.array(PassChangeOutput),
    stoppedBy: z.enum(['signal', 'idle', 'max_passes']),
    pushed: z.boolean(),
  })
  .passthrough();

export const OperatorOutput = z
  .object({
    id: z.string(),
    action: z.enum(['stop', 'retry', 'restart']),
    before: z.string(),
    after: z.string(),
    attempt: z.number().int(),
    jobIds: z.array(z.string()),
    message: z.string(),
    ...Launched,
  })
  .passthrough();

export type SubmitResult = z.infer<typeof SubmitOutput>;
export type PollResultOut = z.infer<typeof PollOutput>;
export type SuperviseResult = z.infer<typeof SuperviseOutput>;
export type OperatorResultOut = z.infer<typeof OperatorOutput>;

// ---- review: compare, diff, history --entries ----

const Metric = z.union([z.number(), z.enum(['nan', 'inf', '-inf'])]);

export const CompareOutput = z
  .object({
    runs: z.array(
      z
        .object({
          id: z.string(),
          path: z.string(),
          state: z.string(),
          stateInferred: z.boolean(),
          runType: z.string().nullable(),
          campaign: z.string().nullable(),
          failureClass: z.string().nullable(),
          attempts: z.number().int(),
          runtime: z.string().nullable(),
          runtimeSeconds: z.number().nullable(),
          step: z.number().nullable(),
          settings: z.record(z.string(), z.string()),
          metrics: z.record(z.string(), Metric),
        })
        .strict(),
    ),
    /** The columns a table shows: settings that differ (all with --all-params), metrics shared by every run first. */
    columns: z.object({ settings: z.array(z.string()), metrics: z.array(z.string()) }).strict(),
    /** Settings every run has with the same value. */
    common: z.record(z.string(), z.string()),
    sharedMetrics: z.array(z.string()),
  })
  .strict();

export type CompareResult = z.infer<typeof CompareOutput>;

const RunRef = z.object({ id: z.string(), path: z.string() }).strict();
const Change = z.object({ key: z.string(), before: z.string().nullable(), after: z.string().nullable() }).strict();

export const DiffOutput = z
  .object({
    a: RunRef,
    b: RunRef,
    /** run, config, settings, command, code, data, results — always all seven, in this order. */
    sections: z.array(z.object({ name: z.enum(['run', 'config', 'settings', 'command', 'code', 'data', 'results']), changes: z.array(Change), same: z.array(z.string()) }).strict()),
    /** `git diff --stat` between the launch commits; `reason` says why there is none. */
    codeDiff: z.object({ from: z.string().nullable(), to: z.string().nullable(), stat: z.array(z.string()).nullable(), reason: z.string().nullable() }).strict(),
    notes: z.array(z.string()),
  })
  .strict();

export type DiffResult = z.infer<typeof DiffOutput>;

const LineAuthor = z
  .object({
    sha: z.string(),
    author: z.string(),
    authorEmail: z.string(),
    authorTime: z.string(),
    committer: z.string(),
    committerEmail: z.string(),
    committerTime: z.string(),
    subject: z.string(),
    /** The run log's path in that commit: an older name after a rename. */
    path: z.string(),
  })
  .strict();

export const HistoryEntriesOutput = z
  .object({
    id: z.string(),
    path: z.string(),
    commits: HistoryOutput.shape.commits,
    entries: z.array(
      z
        .object({
          line: z.number().int(),
          at: z.string().nullable(),
          stamp: z.string().nullable(),
          state: z.string().nullable(),
          step: z.number().nullable(),
          text: z.string(),
          continuation: z.boolean(),
          /** Null while the entry is not committed. */
          commit: LineAuthor.nullable(),
        })
        .strict(),
    ),
  })
  .strict();

export type HistoryEntriesResult = z.infer<typeof HistoryEntriesOutput>;
