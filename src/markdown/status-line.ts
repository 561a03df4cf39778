/**
 * Status entries: the line runlog writes and the many shapes people write
 * by hand in real ledgers: with or without a time, with or without a
 * zone, approximate (`~15:00`), `NN:XX`, em dash or hyphen, and undated
 * continuation lines under a dated one.
 */
import { isoSeconds, statusStamp } from '../core/time.js';

export interface StatusEntry {
  /** 1-based line in the file. */
  line: number;
  /** ISO-8601 when the time is known; date-only stamps give `YYYY-MM-DD`. */
  at: string | null;
  /** The stamp as written. */
  stamp: string | null;
  state: string | null;
  step: number | null;
  metrics: Record<string, number>;
  message: string;
  /** The whole text after the stamp (or the whole item when undated). */
  text: string;
  /** Undated lines are continuation facts of the entry above. */
  continuation: boolean;
}

const DATED =
  /^ {0,3}[-*+][ \t]+(\d{4}-\d{2}-\d{2})(?:(?:[ \t]+|T)(~?)(\d{1,2}):([0-9Xx]{2})(?::(\d{2}))?)?(?:[ \t]*(UTC|Z|GMT|[A-Z]{2,5}))?[ \t]+(?:\u2014|\u2013|-{1,2})[ \t]+(.*)$/;
const ITEM = /^ {0,3}[-*+][ \t]+(.*)$/;

/** Hours east of UTC for the zones people write; an unknown zone keeps only the date. No zone means UTC. */
const ZONE_OFFSETS: Record<string, number> = {
  UTC: 0,
  Z: 0,
  GMT: 0,
  PST: -8,
  PDT: -7,
  MST: -7,
  MDT: -6,
  CST: -6,
  CDT: -5,
  EST: -5,
  EDT: -4,
  BST: 1,
  CET: 1,
  CEST: 2,
  JST: 9,
};

/** Words people use for states, mapped onto the lifecycle (first word of an entry). */
const STATE_WORDS: Record<string, string> = {
  pending: 'pending',
  validating: 'validating',
  queued: 'queued',
  submitted: 'queued',
  resubmitted: 'queued',
  pd: 'queued',
  running: 'running',
  r: 'running',
  started: 'running',
  completed: 'completed',
  complete: 'completed',
  finished: 'completed',
  done: 'completed',
  succeeded: 'completed',
  validation_failed: 'validation_failed',
  command_failed: 'command_failed',
  failed: 'command_failed',
  crashed: 'command_failed',
  canceled: 'canceled',
  cancelled: 'canceled',
  timed_out: 'timed_out',
  timeout: 'timed_out',
  worker_lost: 'worker_lost',
  node_fail: 'worker_lost',
  retry_exhausted: 'retry_exhausted',
  stalled: 'stalled',
  lost: 'lost',
};

export function stateFromWord(word: string): string | null {
  return STATE_WORDS[word.toLowerCase().replace(/[^a-z_]/g, '')] ?? null;
}

const PROSE_METRIC = /loss|acc|ppl|perplexity|reward|score|norm|f1|auc|bleu|wer|mse|mae|^lr$/i;

const METRIC_TOKEN = /^([A-Za-z_][\w./-]*)[ =:]\s*(-?(?:\d+(?:\.\d+)?(?:e[-+]?\d+)?|nan|inf|-inf))$/i;

export function parseStatusLine(text: string, line: number): StatusEntry | null {
  const dated = DATED.exec(text);
  if (!dated) {
    const item = ITEM.exec(text);
    if (!item) return null;
    return {
      line,
      at: null,
      stamp: null,
      state: null,
      step: null,
      metrics: {},
      message: item[1]!.trim(),
      text: item[1]!.trim(),
      continuation: true,
    };
  }
  const [, date, , hh, mm, ss, zone, rest] = dated;
  let at: string = date!;
  const offset = zone === undefined ? 0 : ZONE_OFFSETS[zone];
  if (
    hh !== undefined &&
    mm !== undefined &&
    /^\d\d$/.test(mm) &&
    offset === 0 &&
    Number(hh) < 24 &&
    Number(mm) < 60 &&
    Number(ss ?? 0) < 60
  ) {
    // The common case (UTC, as runlog writes it) needs no Date round trip: show reads thousands of these.
    at = `${date}T${hh.padStart(2, '0')}:${mm}:${ss ?? '00'}Z`;
  } else if (hh !== undefined && mm !== undefined && /^\d\d$/.test(mm) && offset !== undefined) {
    const t = Date.parse(`${date}T${hh.padStart(2, '0')}:${mm}:${ss ?? '00'}Z`) - offset * 3_600_000;
    if (!Number.isNaN(t)) at = isoSeconds(new Date(t));
  }
  const stampStart = text.indexOf(date!);
  const stamp = text.slice(stampStart, text.length - rest!.length).replace(/[ \t]+(?:\u2014|\u2013|-{1,2})[ \t]+$/, '');
  const body = rest!.trim();
  const parsed = parseEntryBody(body);
  return { line, at, stamp, ...parsed, text: body, continuation: false };
}

/** `running, step 2400, train_loss 0.085 — message` → fields; prose stays the message. */
export function parseEntryBody(body: string): {
  state: string | null;
  step: number | null;
  metrics: Record<string, number>;
  message: string;
} {
  const dash = body.search(/[ \t](?:\u2014|\u2013)[ \t]/);
  const head = dash === -1 ? body : body.slice(0, dash);
  const tail = dash === -1 ? '' : body.slice(dash).replace(/^[ \t](?:\u2014|\u2013)[ \t]/, '');
  // `step 4,100` is one token: a comma splits only when a space or a non-digit follows it.
  const tokens = head.split(/,(?!\d)[ \t]*/);
  let state: string | null = null;
  let step: number | null = null;
  const metrics: Record<string, number> = {};
  let used = 0;
  for (const [k, raw] of tokens.entries()) {
    const tok = raw.trim();
    if (k === 0) {
      const firstWord = tok.split(/[ \t(:]/)[0] ?? '';
      const s = stateFromWord(firstWord);
      if (s) {
        state = s;
        if (tok !== firstWord) break;
        used = 1;
        continue;
      }
    }
    const stepM = /^step[ =:]\s*(\d[\d,_]*)(?:\s*\/\s*[\d,_]+)?$/i.exec(tok);
    if (stepM) {
      step = Number(stepM[1]!.replace(/[,_]/g, ''));
      used = k + 1;
      continue;
    }
    const mm = METRIC_TOKEN.exec(tok);
    if (mm) {
      metrics[mm[1]!] = toNumber(mm[2]!);
      used = k + 1;
      continue;
    }
    break;
  }
  // Only a fully structured head is split off; anything else is prose, kept whole.
  const message = used === tokens.length ? tail : body;
  // Prose like "running on nid001, step 2400" still yields a state and step; a
  // structured head says all it means, so a step named in its message stays prose.
  if (step === null && used !== tokens.length) {
    const s = /\bstep[ =:]?\s*(\d[\d,]*)/i.exec(body);
    if (s) step = Number(s[1]!.replace(/,/g, ''));
  }
  // ... and its `loss 1.94`-style tokens are metrics, when the name says it is one (`job 4419021` is not).
  if (used !== tokens.length) {
    for (const raw of tokens.slice(used)) {
      const mm = METRIC_TOKEN.exec(raw.trim());
      if (mm && PROSE_METRIC.test(mm[1]!) && !(mm[1]! in metrics)) metrics[mm[1]!] = toNumber(mm[2]!);
    }
  }
  return { state, step, metrics, message: message.trim() };
}

function toNumber(v: string): number {
  const l = v.toLowerCase();
  if (l === 'nan') return Number.NaN;
  if (l === 'inf') return Number.POSITIVE_INFINITY;
  if (l === '-inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  return String(n);
}

/** The entry line runlog writes: `- 2026-03-11 15:00 UTC — running, step 2400, train_loss 0.085 — message`. */
export function formatStatusLine(e: {
  at: Date;
  state: string;
  step?: number | null;
  metrics?: Record<string, number>;
  message?: string;
}): string {
  const parts = [e.state];
  if (e.step !== undefined && e.step !== null) parts.push(`step ${e.step}`);
  for (const [k, v] of Object.entries(e.metrics ?? {})) parts.push(`${k} ${formatNumber(v)}`);
  const msg = (e.message ?? '').trim();
  return `- ${statusStamp(e.at)} — ${parts.join(', ')}${msg ? ` — ${msg}` : ''}`;
}
