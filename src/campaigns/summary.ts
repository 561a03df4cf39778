/**
 * summary.json: the machine view of a campaign (counts by state and failure
 * class, one row per entry, artifact completeness, the W&B gate). It is
 * derived from the run logs and rewritten in the same commit as every state
 * change of one of its runs; `campaign status` recomputes it from the run
 * logs at any moment. Rows are computed one run at a time, so a state change
 * of one run in a 1,000-entry campaign re-reads one run log, not 1,000.
 */
import { z } from 'zod';
import { FAILURE_CLASSES } from '../core/failure-classes.js';
import { STATES, TERMINAL, type RunState } from '../core/lifecycle.js';
import type { RunLogDoc } from '../markdown/runlog.js';
import type { FrozenManifest } from './freeze.js';
import { entryOfRunId } from './paths.js';

export const SUMMARY_SCHEMA_VERSION = 1;

const Artifacts = z.strictObject({ expected: z.number().int(), present: z.number().int(), verified: z.number().int() });

export const SummaryRowSchema = z.strictObject({
  entry: z.string(),
  id: z.string(),
  state: z.enum(STATES),
  failure_class: z.string().nullable(),
  attempts: z.number().int(),
  runtime_s: z.number().nullable(),
  metrics: z.record(z.string(), z.number()),
  artifacts: Artifacts.extend({ attempt: z.number().int().nullable(), missing: z.array(z.string()) }),
  /** `off`, `pending`, `passed`, or `failed (<reason>)`. */
  wandb_gate: z.string(),
});
export type SummaryRow = z.infer<typeof SummaryRowSchema>;

export const SummarySchema = z.strictObject({
  schema: z.literal(SUMMARY_SCHEMA_VERSION),
  campaign: z.string(),
  manifest_sha256: z.string(),
  created: z.string(),
  executor: z.string(),
  policy: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** What the frozen manifest declares, kept here so a row can be recomputed without it. */
  declared: z.strictObject({
    artifacts: z.array(z.string()),
    key_metric: z.string().nullable(),
    wandb_strict: z.boolean(),
  }),
  counts: z.record(z.string(), z.number().int()),
  failure_classes: z.record(z.string(), z.number().int()),
  runs: z.array(SummaryRowSchema),
  artifacts: Artifacts.extend({ synced_to: z.string().nullable(), fetched_at: z.string().nullable() }),
  wandb_gate: z.strictObject({ strict: z.boolean(), failed: z.number().int(), pending: z.number().int() }),
  /** Set when fail_fast stopped the campaign from starting anything new, or it was cancelled. */
  halted: z.strictObject({ reason: z.string(), at: z.string() }).nullable(),
  /** The max_parallel in force when it was changed after launch (the manifest keeps the original). */
  max_parallel: z.number().int().min(1),
  /** Failed entries a resume left as they are: fail_fast does not halt the campaign again for them. */
  acknowledged_failures: z.array(z.string()),
});
export type Summary = z.infer<typeof SummarySchema>;

/** `HH:MM:SS` (hours may exceed 24) → seconds. */
function seconds(hms: string | undefined): number | null {
  const m = /^(\d+):(\d{2}):(\d{2})$/.exec((hms ?? '').replace(/`/g, '').trim());
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : null;
}

const METRIC_RENAMES: Record<string, string> = {
  end_val_loss: 'val_loss',
  end_train_loss: 'train_loss',
  'final step': 'final_step',
};
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;

/** Numbers in Results: the final metrics of the run. */
function resultMetrics(results: Record<string, string> | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, raw] of Object.entries(results ?? {})) {
    if (k.startsWith('start_')) continue;
    const v = raw.replace(/`/g, '').trim();
    if (!NUMBER.test(v)) continue;
    out[METRIC_RENAMES[k] ?? k.replace(/\s+/g, '_')] = Number(v);
  }
  return out;
}

function gateOf(doc: RunLogDoc, strict: boolean): string {
  const recorded = doc.view.results?.['wandb_gate'];
  if (recorded) return recorded.replace(/`/g, '');
  if (!strict) return 'off';
  return 'pending';
}

/** One entry's row, from its run log; fetch results carry over while the attempt is the same. */
export function rowFromRun(
  runId: string,
  doc: RunLogDoc,
  declared: Summary['declared'],
  previous?: SummaryRow,
): SummaryRow {
  const v = doc.view;
  const runtimes = v.jobs.map((j) => seconds(j.fields['runtime'])).filter((s): s is number => s !== null);
  const completed = v.state === 'completed';
  const expected = completed ? declared.artifacts.length : 0;
  const keep = previous && previous.artifacts.attempt === v.attempt && completed;
  return {
    entry: entryOfRunId(runId),
    id: runId,
    state: v.state,
    failure_class: v.state === 'completed' ? null : v.failureClass,
    attempts: v.attempt,
    runtime_s: runtimes.length > 0 ? runtimes.reduce((a, b) => a + b, 0) : null,
    metrics: resultMetrics(v.results),
    artifacts: keep
      ? { ...previous.artifacts, expected }
      : {
          expected,
          present: 0,
          verified: 0,
          attempt: completed ? v.attempt : null,
          missing: completed ? [...declared.artifacts] : [],
        },
    wandb_gate: gateOf(doc, declared.wandb_strict),
  };
}

/** A row for an entry whose run log cannot be read: counted, never dropped. */
export function unreadableRow(runId: string, message: string): SummaryRow {
  return {
    entry: entryOfRunId(runId),
    id: runId,
    state: 'pending',
    failure_class: null,
    attempts: 0,
    runtime_s: null,
    metrics: {},
    artifacts: { expected: 0, present: 0, verified: 0, attempt: null, missing: [] },
    wandb_gate: `unreadable: ${message}`,
  };
}

/** Counts, artifact totals and the gate, recomputed from the rows. */
export function withTotals(
  s: Omit<Summary, 'counts' | 'failure_classes'> & Partial<Pick<Summary, 'counts' | 'failure_classes'>>,
): Summary {
  const counts: Record<string, number> = Object.fromEntries(STATES.map((st) => [st, 0]));
  const classes: Record<string, number> = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0]));
  let expected = 0;
  let present = 0;
  let verified = 0;
  let failedGates = 0;
  let pendingGates = 0;
  for (const r of s.runs) {
    counts[r.state] = (counts[r.state] ?? 0) + 1;
    if (r.failure_class && isFailure(r.state)) classes[r.failure_class] = (classes[r.failure_class] ?? 0) + 1;
    expected += r.artifacts.expected;
    present += r.artifacts.present;
    verified += r.artifacts.verified;
    if (r.wandb_gate.startsWith('failed')) failedGates++;
    if (r.wandb_gate === 'pending') pendingGates++;
  }
  return {
    ...s,
    counts,
    failure_classes: classes,
    artifacts: { ...s.artifacts, expected, present, verified },
    wandb_gate: { strict: s.declared.wandb_strict, failed: failedGates, pending: pendingGates },
  };
}

/** The summary a campaign starts with: every entry pending. */
export function initialSummary(
  id: string,
  sha256: string,
  created: string,
  m: FrozenManifest,
  runIds: string[],
): Summary {
  const declared = { artifacts: m.artifacts, key_metric: m.key_metric ?? null, wandb_strict: m.wandb.strict };
  return withTotals({
    schema: SUMMARY_SCHEMA_VERSION,
    campaign: id,
    manifest_sha256: sha256,
    created,
    executor: m.executor,
    policy: { ...m.policy },
    declared,
    runs: runIds.map((runId) => ({
      entry: entryOfRunId(runId),
      id: runId,
      state: 'pending',
      failure_class: null,
      attempts: 1,
      runtime_s: null,
      metrics: {},
      artifacts: { expected: 0, present: 0, verified: 0, attempt: null, missing: [] },
      wandb_gate: m.wandb.strict ? 'pending' : 'off',
    })),
    artifacts: { expected: 0, present: 0, verified: 0, synced_to: null, fetched_at: null },
    wandb_gate: { strict: m.wandb.strict, failed: 0, pending: 0 },
    halted: null,
    max_parallel: m.policy.max_parallel,
    acknowledged_failures: [],
  });
}

export function renderSummary(s: Summary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

export function parseSummary(text: string): Summary | null {
  try {
    const parsed = SummarySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Replace the rows of these runs (by id) and recompute the totals. */
export function updateRows(s: Summary, rows: SummaryRow[]): Summary {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const runs = s.runs.map((r) => byId.get(r.id) ?? r);
  for (const r of rows) if (!s.runs.some((x) => x.id === r.id)) runs.push(r);
  return withTotals({ ...s, runs });
}

/** Entries that ended without success and were not abandoned. */
export function isFailure(state: RunState): boolean {
  return TERMINAL.has(state) && state !== 'completed' && state !== 'canceled';
}

/** The first failure fail_fast has not been told to ignore, or undefined. */
export function unacknowledgedFailure(s: Summary): SummaryRow | undefined {
  return s.runs.find((r) => isFailure(r.state) && !s.acknowledged_failures.includes(r.entry));
}

/** The metric campaign.md shows per row: the declared one, else val_loss, else train_loss. */
export function keyMetricName(s: Summary): string | null {
  if (s.declared.key_metric) return s.declared.key_metric;
  if (s.runs.some((r) => 'val_loss' in r.metrics)) return 'val_loss';
  if (s.runs.some((r) => 'train_loss' in r.metrics)) return 'train_loss';
  return null;
}
