/**
 * What a comparison shows about one run, read from its run log: state,
 * failure class, attempts, runtime, key settings and final metrics. Works the
 * same on runlog's files and on hand-kept ones (no front matter): settings
 * come from the Config section's `key settings` line, metrics from Results
 * and the Status entries.
 */
import type { RunLogDoc, RunLogView } from '../../markdown/runlog.js';
import { parseKeySettings } from '../../markdown/key-settings.js';
import { FAILURE_CLASSES } from '../../core/failure-classes.js';

/** A metric as read: a number, or `nan` / `inf` / `-inf` kept as words (JSON has no such numbers). */
export type MetricValue = number | 'nan' | 'inf' | '-inf';

export interface RunFacts {
  state: string;
  stateInferred: boolean;
  runType: string | null;
  campaign: string | null;
  failureClass: string | null;
  attempts: number;
  /** As written when one Job block or Results says it; the sum (`HH:MM:SS`) over several Job blocks. */
  runtime: string | null;
  runtimeSeconds: number | null;
  /** The last step the run reached: Results `final step`, else the last Status entry with a step. */
  step: number | null;
  settings: Record<string, string>;
  metrics: Record<string, MetricValue>;
  notARun?: true;
}

/** Config fields that are settings too: a different script, config file or dataset is a different run. */
const CONFIG_SETTINGS = ['script', 'config', 'dataset'];
const UNSET = /^(?:n\/?a|none|-+|\u2014|\(none\)|\(not set\))$/i;

/** Results fields that are bookkeeping, not measurements. */
const NOT_METRICS =
  /^(?:runtime|final[ _]step|exit[ _]code|checkpoint\w*|config_\w+|passport|signoff|seal|caveats|loss_one_liner)$/i;

/** A run log's facts; `notARun` for Markdown among the runs that is not one. */
export function runFacts(doc: RunLogDoc): RunFacts {
  const v = doc.view;
  const runtime = runtimeOf(v);
  const facts: RunFacts = {
    state: v.state,
    stateInferred: v.stateInferred,
    runType: v.runType,
    campaign: v.campaign,
    failureClass: failureClassOf(v),
    attempts: v.attempt,
    runtime: runtime.text,
    runtimeSeconds: runtime.seconds,
    step: finalStep(v),
    settings: settingsOf(v),
    metrics: metricsOf(v),
  };
  if (!doc.isRun) facts.notARun = true;
  return facts;
}

/** The front matter's class; hand-kept logs carry it only in prose: `command_failed — oom_gpu: …`. */
export function failureClassOf(v: RunLogView): string | null {
  if (v.failureClass) return v.failureClass;
  const last = [...v.status].reverse().find((e) => !e.continuation);
  if (!last) return null;
  // One pass of one expression per run (`list` asks this of every run it prints), then the first class in table order.
  const named = new Set(last.text.match(CLASS_WORD) ?? []);
  return FAILURE_CLASSES.find((c) => named.has(c)) ?? null;
}

const CLASS_WORD = new RegExp(`\\b(?:${[...FAILURE_CLASSES].sort((a, b) => b.length - a.length).join('|')})\\b`, 'g');

export function settingsOf(v: RunLogView): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of CONFIG_SETTINGS) {
    const value = v.config[k]?.trim();
    if (value && !UNSET.test(value)) out[k] = value;
  }
  // A key setting named like a Config field is the more specific statement of it.
  return { ...out, ...parseKeySettings(v.config['key settings'] ?? v.config['key_settings']) };
}

function metricValue(n: number): MetricValue {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return n;
}

const NUMBER = /^[-+]?(?:\d[\d,_]*(?:\.\d+)?|\.\d+)(?:e[-+]?\d+)?$/i;

/** `0.085`, `` `0.085` ``, `1,234`; anything else (a path, a sentence) is not a metric. */
function numericField(raw: string): MetricValue | null {
  const t = raw.replace(/`/g, '').trim();
  if (/^(?:nan|[-+]?inf)$/i.test(t)) return t.toLowerCase().replace('+', '') as MetricValue;
  return NUMBER.test(t) ? Number(t.replace(/[,_]/g, '')) : null;
}

/** The metric a Results field states (`end_val_loss: 0.12` → `val_loss`), or null for bookkeeping and prose. */
export function resultMetric(key: string, raw: string): { name: string; value: MetricValue } | null {
  if (NOT_METRICS.test(key) || /^start_/.test(key)) return null;
  const value = numericField(raw);
  return value === null ? null : { name: key.replace(/^end_/, ''), value };
}

/**
 * Final metrics: each metric's last value in Status, overridden by Results.
 * Results' `end_<m>` is the final `<m>`; `start_<m>` is not a final value.
 */
export function metricsOf(v: RunLogView): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const e of v.status) for (const [k, n] of Object.entries(e.metrics)) out[k] = metricValue(n);
  for (const [key, raw] of Object.entries(v.results ?? {})) {
    const m = resultMetric(key, raw);
    if (m) out[m.name] = m.value;
  }
  return out;
}

function finalStep(v: RunLogView): number | null {
  const raw = v.results?.['final step'] ?? v.results?.['final_step'];
  const n = raw === undefined ? null : numericField(raw);
  if (typeof n === 'number' && Number.isSafeInteger(n)) return n;
  for (let i = v.status.length - 1; i >= 0; i--) if (v.status[i]!.step !== null) return v.status[i]!.step;
  return null;
}

const UNIT_S: Record<string, number> = {
  d: 86400,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  m: 60,
  min: 60,
  mins: 60,
  s: 1,
  sec: 1,
};

/** `18:26:53`, `1:05`, `3h 12m`, `~2.5 h`, `45 min` → seconds; null for anything else. */
export function runtimeSeconds(text: string): number | null {
  const t = text
    .replace(/[`~\u2248]/g, '')
    .trim()
    .toLowerCase();
  const hms = /^(\d+):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (hms)
    return hms[3] === undefined
      ? Number(hms[1]) * 3600 + Number(hms[2]) * 60
      : Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  const parts = [...t.matchAll(/(\d+(?:\.\d+)?)\s*(d|hrs?|h|mins?|m|sec|s)\b/g)];
  if (parts.length === 0 || t.replace(/(\d+(?:\.\d+)?)\s*(d|hrs?|h|mins?|m|sec|s)\b/g, '').trim() !== '') return null;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_S[p[2]!]!, 0));
}

function hms(seconds: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

/** The run's compute time: the sum over Job blocks that say theirs, else what Results says. */
function runtimeOf(v: RunLogView): { text: string | null; seconds: number | null } {
  const jobTimes = v.jobs
    .map((j) => j.fields['runtime'])
    .filter((r): r is string => r !== undefined && r.trim() !== '');
  const parsed = jobTimes.map(runtimeSeconds);
  if (jobTimes.length > 1 && parsed.every((s) => s !== null)) {
    const total = parsed.reduce((a: number, s) => a + s!, 0);
    return { text: hms(total), seconds: total };
  }
  const text = jobTimes.length === 1 ? jobTimes[0]! : (v.results?.['runtime'] ?? jobTimes[jobTimes.length - 1] ?? null);
  const clean = text === null ? null : text.replace(/`/g, '').trim();
  return { text: clean, seconds: clean === null ? null : runtimeSeconds(clean) };
}
