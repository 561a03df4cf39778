/**
 * The one scrubber every text runlog writes passes through: files, commit
 * messages, GitHub comments, published logs. It replaces each secret with
 * `[REDACTED:<kind>]`, reports kinds and counts (never values), and is
 * idempotent: scrubbing scrubbed text changes nothing.
 */
import { usageError } from '../errors.js';
import { normaliseLine, normaliseText } from './normalise.js';
import { catastrophicAt } from './regex-safety.js';
import { DEFAULT_RULES, SECRET_FLAG_NAME, type ScrubRule } from './rules.js';

export type { ScrubRule } from './rules.js';
export { DEFAULT_RULES } from './rules.js';

export interface ScrubReport {
  text: string;
  findings: { kind: string; count: number }[];
}

export interface ScrubRuleConfig {
  kind: string;
  pattern: string;
  flags?: string;
  group?: number;
}

const KIND = /^[a-z][a-z0-9_]*$/;
const PLACEHOLDER = /\[REDACTED:[a-z][a-z0-9_]*\]/g;
/**
 * Values that are already masks (ours, or runlog's `<set>`) are left alone, which keeps scrubbing
 * idempotent; also when an escape follows the mask (`\"` once the text sits in YAML or JSON quotes).
 */
const MASKED = /^(?:\[REDACTED:[a-z][a-z0-9_]*\]|<[A-Za-z _-]{1,32}>|\*{3,})\\*$/;

const placeholder = (kind: string) => `[REDACTED:${kind}]`;

interface Compiled {
  kind: string;
  regex: RegExp;
  group: number;
}

const compiledCache = new WeakMap<ScrubRule, Compiled>();
const BUILT_IN = new Set<ScrubRule>(DEFAULT_RULES);

function badRule(message: string, hint: string, details?: Record<string, unknown>) {
  return usageError('BAD_SCRUB_RULE', message, hint, details);
}

function groupCount(pattern: RegExp): number {
  // An empty alternative always matches, so exec returns every group slot.
  const probe = new RegExp(`${pattern.source}|`, pattern.flags.replace(/[gy]/g, ''));
  return (probe.exec('') as RegExpExecArray).length - 1;
}

function compile(rule: ScrubRule): Compiled {
  const cached = compiledCache.get(rule);
  if (cached) return cached;
  if (!KIND.test(rule.kind)) {
    throw badRule(
      `scrub rule kind "${rule.kind}" is not a lower_snake name`,
      'name the kind with lowercase letters, digits and underscores, e.g. "internal_token"',
      {
        kind: rule.kind,
      },
    );
  }
  const group = rule.group ?? 0;
  // Counting a pattern's groups compiles it once more (24 built-in rules: ~4 ms of every append), so
  // only a project's own rules are checked here; a unit test checks the built-in ones.
  if (!BUILT_IN.has(rule) && (!Number.isInteger(group) || group < 0 || group > groupCount(rule.pattern))) {
    throw badRule(
      `scrub rule "${rule.kind}" names capture group ${String(rule.group)}, which its pattern does not have`,
      'set group to the number of the parenthesised group that holds the secret, or leave it out to redact the whole match',
      { kind: rule.kind, group: rule.group },
    );
  }
  // `d` gives group offsets so only the secret is replaced; `g` walks every match.
  const flags = [...new Set(`${rule.pattern.flags.replace(/[gyd]/g, '')}gd`)].join('');
  const compiled = { kind: rule.kind, regex: new RegExp(rule.pattern.source, flags), group };
  compiledCache.set(rule, compiled);
  return compiled;
}

interface Span {
  start: number;
  end: number;
}

function placeholderSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

/** Grow [start, end) to swallow any placeholder it cuts, so a redaction never splits or nests one. */
function widen(start: number, end: number, holes: Span[]): Span {
  let lo = 0;
  let hi = holes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (holes[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < holes.length && holes[i]!.start < end; i++) {
    start = Math.min(start, holes[i]!.start);
    end = Math.max(end, holes[i]!.end);
  }
  return { start, end };
}

function applyRule(text: string, rule: Compiled): { text: string; count: number } {
  let holes: Span[] | undefined;
  let out = '';
  let cursor = 0;
  let count = 0;
  // exec on the one compiled regex: matchAll would clone it per call, which costs more than a
  // no-match scan of a short message (half of scrub's time on an append before this).
  const re = rule.regex;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    const at = m.indices?.[rule.group];
    if (!at || at[0] === at[1]) continue;
    holes ??= placeholderSpans(text);
    const span = widen(at[0], at[1], holes);
    const start = Math.max(span.start, cursor);
    if (start >= span.end || MASKED.test(text.slice(start, span.end))) continue;
    out += text.slice(cursor, start) + placeholder(rule.kind);
    cursor = span.end;
    count++;
  }
  return count === 0 ? { text, count } : { text: out + text.slice(cursor), count };
}

function rulesFor(extra: readonly ScrubRule[]): Compiled[] {
  // Project rules come first: they describe the organisation's own token shapes and should name them.
  return [...extra, ...DEFAULT_RULES].map(compile);
}

export function scrubWithReport(text: string, extra: readonly ScrubRule[] = []): ScrubReport {
  const rules = rulesFor(extra);
  const counts = new Map<string, number>();
  let current = text;
  // A later rule's redaction can expose a new match for an earlier one; repeat until nothing changes.
  // Each change turns unredacted text into a placeholder, so this ends.
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of rules) {
      const result = applyRule(current, rule);
      if (result.count === 0) continue;
      current = result.text;
      changed = true;
      counts.set(rule.kind, (counts.get(rule.kind) ?? 0) + result.count);
    }
  }
  return { text: current, findings: [...counts].map(([kind, count]) => ({ kind, count })) };
}

export function scrub(text: string, extra: readonly ScrubRule[] = []): string {
  return scrubWithReport(text, extra).text;
}

/** The one scrubber with a ledger's own rules: text is normalised first, then scrubbed. */
export interface Scrubber {
  /** One-line text (status entries, fields, commit subjects). */
  line(text: string): string;
  /** Text that keeps its lines (files, commit and tag messages, request bodies). */
  text(text: string): string;
  /** What `text` would redact, by kind. */
  report(text: string): ScrubReport;
}

const scrubbers = new WeakMap<readonly ScrubRuleConfig[], Scrubber>();
const DEFAULT_SCRUBBER = scrubberWith([]);

export function scrubberWith(extra: readonly ScrubRule[]): Scrubber {
  return {
    line: (text) => scrub(normaliseLine(text), extra),
    text: (text) => scrub(normaliseText(text), extra),
    report: (text) => scrubWithReport(normaliseText(text), extra),
  };
}

/** The scrubber for a ledger's `scrub.rules` (compiled once per config). */
export function scrubberFor(config: readonly ScrubRuleConfig[] | undefined): Scrubber {
  if (!config || config.length === 0) return DEFAULT_SCRUBBER;
  let s = scrubbers.get(config);
  if (!s) {
    s = scrubberWith(compileRules(config));
    scrubbers.set(config, s);
  }
  return s;
}

const FLAG_ALONE = new RegExp(`^${SECRET_FLAG_NAME}$`);
const FLAG_WITH_VALUE = new RegExp(`^(${SECRET_FLAG_NAME}=)([\\s\\S]+)$`);
const LONG_FLAG = /^--[A-Za-z]/;

/** Programs whose `-p` is a password: sshpass takes it as the next word, the MySQL tools only attached (`-p<pw>`). */
const SSHPASS = /(?:^|\/)sshpass$/;
const MYSQL_TOOL = /(?:^|\/)(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mariadb|mariadb-dump)$/;

/**
 * Scrub a command line element by element. A secret flag's separate value
 * (`--token abc`) is redacted whatever its shape, since only its position
 * says it is a secret.
 */
export function scrubArgv(argv: readonly string[], extra: readonly ScrubRule[] = []): string[] {
  return acrossElements(eachElement(argv, extra), extra);
}

/** What each element holds by itself, or by its position after a secret flag. */
function eachElement(argv: readonly string[], extra: readonly ScrubRule[]): string[] {
  const redactedValue = placeholder('flag_value');
  let program: 'sshpass' | 'mysql' | null = null;
  return argv.map((arg, i) => {
    const previous = i > 0 ? argv[i - 1]! : undefined;
    if (SSHPASS.test(arg)) program = 'sshpass';
    else if (MYSQL_TOOL.test(arg)) program = 'mysql';
    if (program === 'sshpass' && previous === '-p' && !MASKED.test(arg)) return placeholder('password_flag');
    if (program === 'mysql' && /^-p./.test(arg) && !MASKED.test(arg.slice(2)))
      return `-p${placeholder('password_flag')}`;
    const inline = FLAG_WITH_VALUE.exec(arg);
    if (inline && !MASKED.test(inline[2]!)) return `${inline[1]!}${redactedValue}`;
    // A following long flag means the secret flag was used as a switch; redacting it would hide the command's shape.
    if (previous !== undefined && FLAG_ALONE.test(previous) && !LONG_FLAG.test(arg) && !MASKED.test(arg))
      return redactedValue;
    return scrub(arg, extra);
  });
}

/**
 * What the words say together: `wandb login <key>`, `Authorization: Bearer
 * <t>`, `aws_secret_access_key = <s>` split into separate elements (as a
 * shell splits them) are secrets only in context. The elements are read as
 * the command line they make; every part of an element that a rule's match
 * covers there is redacted in the element.
 */
function acrossElements(argv: string[], extra: readonly ScrubRule[]): string[] {
  const starts: number[] = [];
  let at = 0;
  for (const a of argv) {
    starts.push(at);
    at += a.length + 1;
  }
  const line = argv.join(' ');
  const holes = placeholderSpans(line);
  const spans: (Span & { kind: string })[] = [];
  for (const rule of rulesFor(extra)) {
    const re = rule.regex;
    re.lastIndex = 0;
    for (let m = re.exec(line); m !== null; m = re.exec(line)) {
      if (m[0].length === 0) re.lastIndex++;
      const g = m.indices?.[rule.group];
      if (!g || g[0] === g[1]) continue;
      const span = widen(g[0], g[1], holes);
      if (!MASKED.test(line.slice(span.start, span.end))) spans.push({ ...span, kind: rule.kind });
    }
  }
  if (spans.length === 0) return argv;
  return argv.map((arg, i) => {
    const from = starts[i]!;
    const to = from + arg.length;
    // Right to left, so earlier offsets stay valid; overlapping spans merge into one placeholder.
    const hits = spans.filter((sp) => sp.start < to && sp.end > from).sort((a, b) => b.start - a.start);
    let out = arg;
    let cut = Number.POSITIVE_INFINITY;
    for (const sp of hits) {
      const lo = Math.max(sp.start, from) - from;
      const hi = Math.min(sp.end, to, cut + from) - from;
      if (lo >= hi) continue;
      out = out.slice(0, lo) + placeholder(sp.kind) + out.slice(hi);
      cut = lo;
    }
    return out;
  });
}

const SECRET_ENV_NAME = /(?:_TOKEN|_KEY|_SECRET)$|^(?:TOKEN|SECRET|APIKEY)$|PASSWORD|PASSWD/i;

const allowed = (name: string, allow: readonly string[]) =>
  allow.some((entry) => (entry.endsWith('*') ? name.startsWith(entry.slice(0, -1)) : name === entry));

/**
 * The environment worth recording: only allow-listed names (an entry ending
 * in `*` allows a prefix, e.g. `SLURM_*`), secret-looking names shown as
 * `<set>`, other values scrubbed. Sorted by name so records diff cleanly.
 */
export function scrubEnv(env: Record<string, string | undefined>, allow: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const val = env[name];
    if (val === undefined || !allowed(name, allow)) continue;
    out[name] = SECRET_ENV_NAME.test(name) ? '<set>' : scrub(val);
  }
  return out;
}

const CONFIG_FLAGS = /^[imsuv]*$/;

/** Turn `scrub:` rules from runlog.config.yaml into ScrubRules, naming the first bad one. */
export function compileRules(config: readonly ScrubRuleConfig[]): ScrubRule[] {
  return config.map((entry, index) => {
    const where = `scrub rule ${index + 1} (${JSON.stringify(entry.kind)}) in runlog.config.yaml`;
    const flags = entry.flags ?? '';
    if (!CONFIG_FLAGS.test(flags)) {
      throw badRule(
        `${where} has flags "${flags}"; allowed flags are i, m, s, u, v`,
        `remove the other flags from ${where}; g is implied`,
        {
          index,
          kind: entry.kind,
        },
      );
    }
    let pattern: RegExp;
    try {
      pattern = new RegExp(entry.pattern, flags);
    } catch (cause) {
      throw badRule(
        `${where} is not a valid regular expression: ${(cause as Error).message}`,
        `fix the pattern of ${where}; it is a JavaScript regular expression (in YAML, single-quote it so backslashes survive)`,
        { index, kind: entry.kind, pattern: entry.pattern },
      );
    }
    const risky = catastrophicAt(entry.pattern);
    if (risky !== -1) {
      throw badRule(
        `${where} can take exponential time on some text: the repeated group at character ${risky + 1} holds another repetition, alternatives or a back-reference`,
        `rewrite ${where} without repeating a repetition: (a+)+ → a+, (?:x|y)+ → [xy]+, or bound the inner part; every write runs it while holding the ledger lock`,
        { index, kind: entry.kind, pattern: entry.pattern },
      );
    }
    if (pattern.test('')) {
      throw badRule(
        `${where} matches the empty string`,
        `make the pattern of ${where} require at least one character, e.g. use + instead of *`,
        {
          index,
          kind: entry.kind,
          pattern: entry.pattern,
        },
      );
    }
    const rule: ScrubRule =
      entry.group === undefined ? { kind: entry.kind, pattern } : { kind: entry.kind, pattern, group: entry.group };
    compile(rule);
    return rule;
  });
}
