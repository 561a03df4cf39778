/**
 * The `--json` contract: one zod schema per command result. Tests
 * validate every command's real output against these; commands import only
 * the inferred types, so zod stays off the start-up path.
 */
import { z } from 'zod';
import { SummarySchema as CampaignStatusBody } from '../campaigns/summary.js';

/** An error carries its own details beside code, message and hint (an ambiguous run's `candidates`, …). */
export const ErrorOutput = z
  .object({
    error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).catchall(z.unknown()),
  })
  .strict();

const Entry = z
  .object({
    at: z.string(),
    state: z.string(),
    step: z.number().nullable(),
    metrics: z.record(z.string(), z.number().nullable()),
    message: z.string(),
  })
  .strict();

const Committed = {
  commit: z.string().nullable(),
  pushed: z.boolean(),
};

/** Hero logbook events mirrored to the run's GitHub issue: posted now, or kept pending with the reason. */
const MirrorPending = z
  .object({
    path: z.string(),
    eventId: z.string(),
    code: z.string(),
    reason: z.string(),
    retryAt: z.string().optional(),
  })
  .strict();
const MirrorPosted = z.object({ path: z.string(), eventId: z.string(), commentUrl: z.string() }).strict();
const MirrorState = z.enum(['pending', 'posted', 'none']);

const InitBody = z
  .object({ root: z.string(), created: z.array(z.string()), remote: z.string().nullable(), ...Committed })
  .strict();
const NewBody = z.object({ id: z.string(), path: z.string(), state: z.string(), ...Committed }).strict();
// pushRetries: pushes the remote rejected (other writers got there first) before this entry's went through.
const AppendBody = z
  .object({
    id: z.string(),
    entry: Entry,
    state: z.string(),
    previousState: z.string(),
    ...Committed,
    pushRetries: z.number().int().min(0),
  })
  .strict();
const EntryBody = z
  .object({
    id: z.string(),
    path: z.string(),
    state: z.string(),
    previousState: z.string(),
    entry: Entry,
    ...Committed,
  })
  .strict();
const FailBody = EntryBody.extend({ failureClass: z.string() });
/** Cancelling a live job stops it first: the stop names the jobs (and its result has no `path`). */
const CancelBody = EntryBody.extend({ path: z.string().optional(), jobIds: z.array(z.string()).optional() });
const CompleteBody = EntryBody.extend({
  results: z.record(z.string(), z.string()),
  chart: z.string().nullable().optional(),
  amended: z.array(z.string()).optional(),
});
const PlotBody = z
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
const ResumeBody = EntryBody.extend({ attempt: z.number().int(), heading: z.string() });

const ShowBody = z
  .object({
    id: z.string(),
    path: z.string(),
    state: z.string(),
    stateInferred: z.boolean(),
    runType: z.string().nullable(),
    subtype: z.string().nullable(),
    objective: z.string().nullable(),
    title: z.string().nullable(),
    attempt: z.number().int(),
    failureClass: z.string().nullable(),
    hasFrontMatter: z.boolean(),
    config: z.record(z.string(), z.string()),
    jobs: z.array(
      z.object({ heading: z.string(), line: z.number().int(), fields: z.record(z.string(), z.string()) }).strict(),
    ),
    status: z.array(
      z
        .object({
          line: z.number().int(),
          at: z.string().nullable(),
          /** The stamp as written. */
          stamp: z.string().nullable(),
          state: z.string().nullable(),
          step: z.number().nullable(),
          metrics: z.record(z.string(), z.number().nullable()),
          message: z.string(),
          continuation: z.boolean(),
        })
        .strict(),
    ),
    results: z.record(z.string(), z.string()).nullable(),
    wandb: z.record(z.string(), z.string()).nullable(),
    /** The Next section's lines; an eval or upload of an unsigned checkpoint is marked blocked. */
    next: z.array(z.string()),
    /** Lines of Next that were marked blocked. */
    nextBlocked: z.array(z.number().int()),
    sections: z.array(z.string()),
    diagnostics: z.array(
      z
        .object({
          file: z.string(),
          line: z.number().int(),
          rule: z.string(),
          message: z.string(),
          severity: z.enum(['error', 'warning']),
        })
        .strict(),
    ),
  })
  .strict();

const ListBody = z
  .object({
    runs: z.array(
      z
        .object({
          id: z.string(),
          path: z.string(),
          state: z.string(),
          runType: z.string().nullable(),
          updated: z.string(),
          group: z.string().nullable(),
          failureClass: z.string().nullable(),
          stateInferred: z.boolean(),
        })
        .strict(),
    ),
  })
  .strict();

const IndexBody = z.object({ files: z.array(z.string()), stale: z.array(z.string()), ...Committed }).strict();

const HistoryBody = z
  .object({
    id: z.string(),
    commits: z.array(z.object({ sha: z.string(), at: z.string(), author: z.string(), subject: z.string() }).strict()),
  })
  .strict();

/** `mirror` when the config has a github section: pending hero events flushed to their issues. */
const SyncBody = z
  .object({
    pushed: z.number().int(),
    pending: z.number().int(),
    replayed: z.number().int(),
    mirror: z
      .object({ posted: z.array(MirrorPosted), pending: z.array(MirrorPending) })
      .strict()
      .optional(),
  })
  .strict();

export type InitResult = z.infer<typeof InitBody>;
export type NewResult = z.infer<typeof NewBody>;
export type AppendResult = z.infer<typeof AppendBody>;
export type FailResult = z.infer<typeof FailBody>;
export type CancelResult = z.infer<typeof CancelBody>;
export type CompleteResult = z.infer<typeof CompleteBody>;
export type PlotCommandResult = z.infer<typeof PlotBody>;
export type ResumeResult = z.infer<typeof ResumeBody>;
export type ShowResult = z.infer<typeof ShowBody>;
export type ListResult = z.infer<typeof ListBody>;
export type IndexResult = z.infer<typeof IndexBody>;
export type HistoryResult = z.infer<typeof HistoryBody>;
export type SyncResult = z.infer<typeof SyncBody>;

// ---- checkpoints, publish, seal, W&B, lint (ISSUE 7) ----

const Checkpoint = z
  .object({
    path: z.string(),
    step: z.number().int(),
    complete: z.boolean(),
    kind: z.enum(['dir', 'file']),
    sizeBytes: z.number().int().optional(),
    lineage: z.array(z.enum(['launch_source', 'recovery_source', 'milestone', 'rejected'])),
  })
  .strict();

const CkptListBody = z
  .object({ root: z.string(), run: z.string().nullable(), checkpoints: z.array(Checkpoint) })
  .strict();
const CkptPickBody = z
  .object({
    root: z.string(),
    run: z.string().nullable(),
    checkpoint: Checkpoint,
    skipped: z.array(
      z
        .object({ path: z.string(), step: z.number().int(), reason: z.enum(['incomplete', 'rejected_lineage']) })
        .strict(),
    ),
  })
  .strict();
const CkptPruneBody = z
  .object({
    root: z.string(),
    run: z.string().nullable(),
    dryRun: z.boolean(),
    delete: z.array(z.object({ path: z.string(), step: z.number().int(), complete: z.boolean() }).strict()),
    keep: z.array(z.object({ path: z.string(), step: z.number().int(), reasons: z.array(z.string()) }).strict()),
    removed: z.array(z.object({ path: z.string(), step: z.number().int() }).strict()),
    unmatchedProtect: z.array(z.string()),
    ...Committed,
  })
  .strict();
const CkptPassportBody = z
  .object({
    file: z.string(),
    checkpoint: z.string(),
    run: z.string(),
    step: z.number().int().nullable(),
    sha256: z.string(),
    weightFiles: z.number().int(),
    provenance: z.record(z.string(), z.string()),
    ...Committed,
  })
  .strict();
const VerifyIssue = z.object({ check: z.string(), message: z.string(), path: z.string().optional() }).strict();
const CkptSignoffBody = z
  .object({
    file: z.string(),
    checkpoint: z.string(),
    run: z.string().nullable(),
    verdict: z.enum(['pass', 'soft_signal']),
    verdict_reason: z.string().nullable(),
    artifacts: z.number().int(),
    sha256: z.string(),
    warnings: z.array(VerifyIssue),
    ...Committed,
  })
  .strict();
const CkptVerifyBody = z
  .object({
    ok: z.boolean(),
    root: z.string(),
    failures: z.array(VerifyIssue),
    warnings: z.array(VerifyIssue),
    signoff: z
      .object({
        verdict: z.string(),
        verdict_reason: z.string().nullable().optional(),
        signed_at: z.string(),
        signed_by: z.object({ tool: z.string(), version: z.string(), name: z.string().optional() }).strict(),
      })
      .strict()
      .optional(),
  })
  .strict();

const Removal = z.object({ rule: z.string(), count: z.number().int() }).strict();
const Leak = z.object({ file: z.string(), line: z.number().int(), rule: z.string() }).strict();
const PublishBody = z
  .object({
    out: z.string(),
    run: z.string().nullable(),
    check: z.boolean(),
    files: z.array(z.string()),
    removed: z.array(Removal),
    leaks: z.array(Leak),
  })
  .strict();

const SealBody = z
  .object({
    run: z.string(),
    tag: z.string(),
    target: z.string(),
    sealCommit: z.string().nullable(),
    created: z.boolean(),
    tagPushed: z.boolean(),
    recorded: z.boolean(),
    message: z.string(),
    ...Committed,
  })
  .strict();

const Bloat = z
  .object({
    flagged: z.boolean(),
    bytes: z.number().int(),
    thresholdBytes: z.number(),
    offenders: z.array(z.object({ path: z.string(), sizeBytes: z.number().int(), kind: z.string() }).strict()),
  })
  .strict();
const WandbRunOut = z
  .object({
    id: z.string(),
    path: z.string(),
    offline: z.boolean(),
    startedAt: z.string(),
    sizeBytes: z.number().int(),
    config: z.record(z.string(), z.unknown()).optional(),
    summary: z.record(z.string(), z.unknown()).optional(),
    bloat: Bloat,
    warnings: z.array(z.string()),
  })
  .strict();
const WandbRecordBody = z.object({ run: z.string(), job: z.string(), recorded: z.boolean(), ...Committed }).strict();
const WandbShowBody = z
  .object({
    run: z.string().nullable(),
    dirs: z.array(z.string()),
    runs: z.array(WandbRunOut),
    staging: Bloat.extend({ path: z.string() }).nullable(),
    bloatFlagged: z.boolean(),
  })
  .strict();
const WandbSyncBody = z
  .object({
    run: z.string().nullable(),
    dryRun: z.boolean(),
    argv: z.array(z.string()),
    keySource: z.string(),
    runs: z.array(z.object({ id: z.string(), path: z.string(), url: z.string() }).strict()),
    urls: z.array(z.string()),
    bloatFlagged: z.boolean(),
    recorded: z.boolean(),
    ...Committed,
  })
  .strict();

const LintBody = z
  .object({
    files: z.number().int(),
    errors: z.number().int(),
    warnings: z.number().int(),
    findings: z.array(
      z
        .object({
          rule: z.string(),
          severity: z.enum(['error', 'warning']),
          file: z.string(),
          line: z.number().int(),
          message: z.string(),
        })
        .strict(),
    ),
  })
  .strict();

const AuditBody = z
  .object({
    clean: z.boolean(),
    scanned: z
      .object({ commits: z.number().int(), tags: z.number().int(), refs: z.number().int(), files: z.number().int() })
      .strict(),
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

export type AuditResult = z.infer<typeof AuditBody>;
export type CkptListResult = z.infer<typeof CkptListBody>;
export type CkptPickResult = z.infer<typeof CkptPickBody>;
export type CkptPruneResult = z.infer<typeof CkptPruneBody>;
export type CkptPassportResult = z.infer<typeof CkptPassportBody>;
export type CkptSignoffResult = z.infer<typeof CkptSignoffBody>;
export type CkptVerifyResult = z.infer<typeof CkptVerifyBody>;
export type PublishResult = z.infer<typeof PublishBody>;
export type SealResult = z.infer<typeof SealBody>;
export type WandbShowResult = z.infer<typeof WandbShowBody>;
export type WandbSyncResult = z.infer<typeof WandbSyncBody>;
export type WandbRecordResult = z.infer<typeof WandbRecordBody>;
export type LintResult = z.infer<typeof LintBody>;

// ---- hero runs, logbooks, babysitting ------------------------------------------

const HeroLinkBody = z
  .object({
    slug: z.string(),
    path: z.string(),
    issue: z
      .object({
        url: z.string(),
        number: z.number().int(),
        repo: z.string(),
        bodyLink: z.enum(['linked', 'already_linked']),
      })
      .strict(),
    changed: z.boolean(),
    ...Committed,
  })
  .strict();

const HeroInitBody = z
  .object({
    slug: z.string(),
    path: z.string(),
    issueUrl: z.string().nullable(),
    runLog: z.object({ id: z.string(), path: z.string() }).strict().nullable(),
    created: z.array(z.string()),
    issue: z
      .object({
        url: z.string(),
        number: z.number().int(),
        repo: z.string(),
        status: z.enum(['created', 'adopted']),
        bodyLink: z.enum(['linked', 'already_linked', 'pending']),
        pendingReason: z.string().optional(),
      })
      .strict()
      .nullable(),
    ...Committed,
  })
  .strict();

const HeroEventBody = z
  .object({
    slug: z.string(),
    path: z.string(),
    eventId: z.string(),
    written: z.boolean(),
    mirror: MirrorState,
    why: z.string(),
    pending: z.array(MirrorPending),
    posted: z.array(MirrorPosted),
    ...Committed,
  })
  .strict();

export const ChecklistItem = z
  .object({
    item: z.string(),
    value: z.string(),
    /** Where the value came from; `inferred` values are labelled so in the logbook. */
    source: z.enum(['flag', 'contract', 'config', 'git', 'checkpoint', 'previous', 'inferred']),
    ok: z.boolean(),
    reason: z.string().optional(),
  })
  .strict();

const HeroLaunchBody = z
  .object({
    slug: z.string(),
    path: z.string(),
    relaunch: z.boolean(),
    instance: z.string(),
    checklist: z.array(ChecklistItem),
    blocked: z.array(z.string()),
    dryRun: z.boolean(),
    drift: z.array(
      z.object({ key: z.string(), before: z.unknown(), after: z.unknown(), critical: z.boolean() }).strict(),
    ),
    submitted: z
      .object({
        run: z.string(),
        executor: z.string(),
        jobId: z.string(),
        outputPath: z.string(),
        attempt: z.number().int(),
      })
      .strict()
      .nullable(),
    eventId: z.string().nullable(),
    mirror: MirrorState.nullable(),
    pending: z.array(MirrorPending),
    posted: z.array(MirrorPosted),
    ...Committed,
  })
  .strict();

const Finding = z
  .object({
    detector: z.string(),
    severity: z.enum(['info', 'warn', 'alert']),
    kind: z.enum(['run_unhealthy', 'monitor_stale', 'artifact']),
    message: z.string(),
    evidence: z.string(),
    next: z.string(),
  })
  .strict();

export const BabysitCycle = z
  .object({
    at: z.string(),
    eventId: z.string(),
    written: z.boolean(),
    interesting: z.boolean(),
    title: z.string(),
    /** `ok`, `monitor_stale` (our monitoring failed) or `run_unhealthy` (the run itself), kept apart. */
    health: z.enum(['ok', 'monitor_stale', 'run_unhealthy']),
    job: z
      .object({ run: z.string().nullable(), jobId: z.string().nullable(), phase: z.string(), evidence: z.string() })
      .strict()
      .nullable(),
    progress: z
      .object({
        step: z.number().nullable(),
        loss: z.number().nullable(),
        throughput: z.string().nullable(),
        finalStep: z.number().nullable(),
      })
      .strict(),
    checkpoints: z.object({ complete: z.number().int(), newestStep: z.number().nullable() }).strict().nullable(),
    wandb: z.object({ id: z.string(), step: z.number().nullable() }).strict().nullable(),
    findings: z.array(Finding),
    mirror: MirrorState,
    commit: z.string().nullable(),
  })
  .strict();

const BabysitBody = z
  .object({
    slug: z.string(),
    path: z.string(),
    cycles: z.array(BabysitCycle),
    pending: z.array(MirrorPending),
    posted: z.array(MirrorPosted),
    pushed: z.boolean(),
  })
  .strict();

export type HeroInitResult = z.infer<typeof HeroInitBody>;
export type HeroLinkResult = z.infer<typeof HeroLinkBody>;
export type HeroEventResult = z.infer<typeof HeroEventBody>;
export type HeroLaunchResult = z.infer<typeof HeroLaunchBody>;
export type ChecklistEntry = z.infer<typeof ChecklistItem>;
export type BabysitResult = z.infer<typeof BabysitBody>;
export type BabysitCycleResult = z.infer<typeof BabysitCycle>;

// ---- jobs: submit, poll, supervise, stop, retry, restart ------------------

const Launched = {
  commits: z.array(z.string()),
  commit: z.string().nullable(),
  pushed: z.boolean(),
};

/** `submit --dry-run`: the attempt that would launch and every reason it would be refused; nothing written. */
const SubmitDryRunBody = z
  .object({
    dryRun: z.literal(true),
    id: z.string(),
    attempt: z.number().int(),
    executor: z.string(),
    outputDir: z.string(),
    argv: z.array(z.string()),
    ok: z.boolean(),
    reasons: z.array(z.object({ rule: z.string(), message: z.string() }).strict()),
  })
  .strict();

const SubmitBody = z
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
  .strict();

const PassChangeBody = z
  .object({
    id: z.string(),
    attempt: z.number().int(),
    from: z.string(),
    to: z.string(),
    action: z.enum(['progress', 'state', 'end', 'retry_scheduled', 'launch', 'error']),
    message: z.string(),
    jobId: z.string().optional(),
    commit: z.string().nullable(),
  })
  .strict();

const PollBody = z
  .object({
    at: z.string(),
    runs: z.number().int(),
    executorQueries: z.number().int(),
    transportErrors: z.array(z.string()),
    changes: z.array(PassChangeBody),
    durationMs: z.number(),
    pushed: z.boolean(),
  })
  .strict();

const SuperviseBody = z
  .object({
    passes: z.number().int(),
    executorQueries: z.number().int(),
    changes: z.array(PassChangeBody),
    stoppedBy: z.enum(['signal', 'idle', 'max_passes']),
    pushed: z.boolean(),
  })
  .strict();

const OperatorBody = z
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
  .strict();

export type SubmitResult = z.infer<typeof SubmitBody>;
export type SubmitDryRunResult = z.infer<typeof SubmitDryRunBody>;
export type PollResultOut = z.infer<typeof PollBody>;
export type SuperviseResult = z.infer<typeof SuperviseBody>;
export type OperatorResultOut = z.infer<typeof OperatorBody>;

// ---- review: compare, diff, history --entries ----

const Metric = z.union([z.number(), z.enum(['nan', 'inf', '-inf'])]);

const CompareBody = z
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

export type CompareResult = z.infer<typeof CompareBody>;

const RunRef = z.object({ id: z.string(), path: z.string() }).strict();
const Change = z.object({ key: z.string(), before: z.string().nullable(), after: z.string().nullable() }).strict();

const DiffBody = z
  .object({
    a: RunRef,
    b: RunRef,
    /** run, config, settings, command, code, data, results — always all seven, in this order. */
    sections: z.array(
      z
        .object({
          name: z.enum(['run', 'config', 'settings', 'command', 'code', 'data', 'results']),
          changes: z.array(Change),
          same: z.array(z.string()),
        })
        .strict(),
    ),
    /** `git diff --stat` between the launch commits; `reason` says why there is none. */
    codeDiff: z
      .object({
        from: z.string().nullable(),
        to: z.string().nullable(),
        stat: z.array(z.string()).nullable(),
        reason: z.string().nullable(),
      })
      .strict(),
    notes: z.array(z.string()),
  })
  .strict();

export type DiffResult = z.infer<typeof DiffBody>;

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

const HistoryEntriesBody = z
  .object({
    id: z.string(),
    path: z.string(),
    commits: HistoryBody.shape.commits,
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

export type HistoryEntriesResult = z.infer<typeof HistoryEntriesBody>;

// ---- campaigns ---------------------------------------------------------------

const CampaignCommitted = { commit: z.string().nullable(), pushed: z.boolean() };
const CampaignRun = z.object({ entry: z.string(), id: z.string(), path: z.string() }).strict();

const CampaignLaunchBody = z
  .object({
    id: z.string(),
    sha256: z.string(),
    launched: z.boolean(),
    dryRun: z.boolean(),
    runs: z.array(CampaignRun),
    policy: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    ...CampaignCommitted,
  })
  .strict();

const CampaignResumeBody = z
  .object({
    id: z.string(),
    resumed: z.array(z.object({ entry: z.string(), id: z.string(), from: z.string() }).strict()),
    acknowledged: z.array(z.string()),
    maxParallel: z.number().int(),
    throttled: z.array(z.string()),
    ...CampaignCommitted,
  })
  .strict();

const CampaignCancelBody = z
  .object({ id: z.string(), stopped: z.array(z.string()), canceled: z.array(z.string()), ...CampaignCommitted })
  .strict();

const CampaignFetchBody = z
  .object({
    id: z.string(),
    to: z.string(),
    expected: z.number().int(),
    present: z.number().int(),
    verified: z.number().int(),
    missing: z.array(z.string()),
    files: z.number().int(),
    ...CampaignCommitted,
  })
  .strict();

const CampaignListBody = z
  .object({
    campaigns: z.array(
      z
        .object({
          id: z.string(),
          created: z.string().nullable(),
          executor: z.string().nullable(),
          runs: z.number().int(),
          counts: z.record(z.string(), z.number().int()),
          failure_classes: z.record(z.string(), z.number().int()),
          halted: z.string().nullable(),
        })
        .strict(),
    ),
  })
  .strict();

const ReportBody = z
  .object({
    by: z.enum(['failure-class', 'state', 'campaign']),
    since: z.string().nullable(),
    campaigns: z.number().int(),
    runs: z.number().int(),
    failures: z.number().int(),
    groups: z.array(
      z
        .object({
          key: z.string(),
          runs: z.number().int(),
          campaigns: z.array(z.string()),
          entries: z.array(z.string()),
        })
        .strict(),
    ),
  })
  .strict();

export type CampaignLaunchOut = z.infer<typeof CampaignLaunchBody>;
export type CampaignResumeOut = z.infer<typeof CampaignResumeBody>;
export type CampaignCancelOut = z.infer<typeof CampaignCancelBody>;
export type CampaignFetchOut = z.infer<typeof CampaignFetchBody>;
export type CampaignListOut = z.infer<typeof CampaignListBody>;
export type ReportOut = z.infer<typeof ReportBody>;

// ---- the JSON documents: each result, plus the envelope every command adds ----

/**
 * Every `--json` document carries the command's warnings (stderr lines in
 * human mode) and, when a push failed after a good local commit, that error.
 * Results that already report warnings of their own (lint counts them, the
 * checkpoint checks list them) keep theirs.
 */
const ENVELOPE = {
  warnings: z.array(z.string()),
  error: z.object({ code: z.string(), message: z.string(), hint: z.string() }).strict().optional(),
};

export const InitOutput = InitBody.extend(ENVELOPE);
export const NewOutput = NewBody.extend(ENVELOPE);
export const AppendOutput = AppendBody.extend(ENVELOPE);
export const FailOutput = FailBody.extend(ENVELOPE);
export const CancelOutput = CancelBody.extend(ENVELOPE);
export const CompleteOutput = CompleteBody.extend(ENVELOPE);
export const PlotOutput = PlotBody.extend(ENVELOPE);
export const ResumeOutput = ResumeBody.extend(ENVELOPE);
export const ShowOutput = ShowBody.extend(ENVELOPE);
export const ListOutput = ListBody.extend(ENVELOPE);
export const IndexOutput = IndexBody.extend(ENVELOPE);
export const HistoryOutput = HistoryBody.extend(ENVELOPE);
export const SyncOutput = SyncBody.extend(ENVELOPE);
export const CkptListOutput = CkptListBody.extend(ENVELOPE);
export const CkptPickOutput = CkptPickBody.extend(ENVELOPE);
export const CkptPruneOutput = CkptPruneBody.extend(ENVELOPE);
export const CkptPassportOutput = CkptPassportBody.extend(ENVELOPE);
export const CkptSignoffOutput = CkptSignoffBody.extend({ error: ENVELOPE.error });
export const CkptVerifyOutput = CkptVerifyBody.extend({ error: ENVELOPE.error });
export const PublishOutput = PublishBody.extend(ENVELOPE);
export const SealOutput = SealBody.extend(ENVELOPE);
export const WandbShowOutput = WandbShowBody.extend(ENVELOPE);
export const WandbSyncOutput = WandbSyncBody.extend(ENVELOPE);
export const WandbRecordOutput = WandbRecordBody.extend(ENVELOPE);
export const LintOutput = LintBody.extend({ error: ENVELOPE.error });
export const AuditOutput = AuditBody.extend(ENVELOPE);
export const HeroInitOutput = HeroInitBody.extend(ENVELOPE);
export const HeroLinkOutput = HeroLinkBody.extend(ENVELOPE);
export const HeroEventOutput = HeroEventBody.extend(ENVELOPE);
export const HeroLaunchOutput = HeroLaunchBody.extend(ENVELOPE);
export const BabysitOutput = BabysitBody.extend(ENVELOPE);
export const SubmitOutput = SubmitBody.extend(ENVELOPE);
export const SubmitDryRunOutput = SubmitDryRunBody.extend(ENVELOPE);
export const PassChangeOutput = PassChangeBody.extend(ENVELOPE);
export const PollOutput = PollBody.extend(ENVELOPE);
export const SuperviseOutput = SuperviseBody.extend(ENVELOPE);
export const OperatorOutput = OperatorBody.extend(ENVELOPE);
export const CompareOutput = CompareBody.extend(ENVELOPE);
export const DiffOutput = DiffBody.extend(ENVELOPE);
export const HistoryEntriesOutput = HistoryEntriesBody.extend(ENVELOPE);
export const CampaignLaunchOutput = CampaignLaunchBody.extend(ENVELOPE);
/** `campaign status --json` is the summary.json document as of now, in the envelope. */
export const CampaignStatusOutput = CampaignStatusBody.extend(ENVELOPE);
export const CampaignResumeOutput = CampaignResumeBody.extend(ENVELOPE);
export const CampaignCancelOutput = CampaignCancelBody.extend(ENVELOPE);
export const CampaignFetchOutput = CampaignFetchBody.extend(ENVELOPE);
export const CampaignListOutput = CampaignListBody.extend(ENVELOPE);
export const ReportOutput = ReportBody.extend(ENVELOPE);
