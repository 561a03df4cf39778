/**
 * The logbook → issue mirror: entries marked `mirror=pending` are posted as
 * 🤖 comments (idempotent by event id, see src/github/mirror.ts), then marked
 * `posted` in one commit. GitHub down or rate limited leaves them pending in
 * the logbook, where the next cycle or `runlog sync` finds them again.
 */
import { RunlogError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import type { GitHubConfig, GitHubMirror, IssueRef } from '../github/index.js';
import { LogbookDoc, type LogbookEntry } from '../markdown/logbook.js';
import { scrub, scrubberFor } from '../core/scrub/scrub.js';
import { listLogbooks, slugOf } from '../ledger/read/logbooks.js';
import { commit } from '../ledger/commit.js';
import { readInside } from '../core/confined-fs.js';

export interface MirrorOptions {
  /** `--github-api`: wins over `github.apiUrl` in runlog.config.yaml. */
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  push: boolean;
}

export interface PendingEvent {
  eventId: string;
  code: string;
  reason: string;
  retryAt?: string;
}

export interface FlushResult {
  /** Logbook path → event ids posted (or found already posted) in this pass. */
  posted: { path: string; eventId: string; commentUrl: string }[];
  pending: (PendingEvent & { path: string })[];
  commits: string[];
  pushed: boolean;
  pushError?: RunlogError;
}

/** The `github:` section, validated; null when the ledger has none. */
export async function githubConfig(ledger: Ledger): Promise<GitHubConfig | null> {
  const raw = (ledger.config as Record<string, unknown>)['github'];
  if (raw === undefined || raw === null) return null;
  const { GitHubConfigSchema } = await import('../github/config.js');
  const parsed = GitHubConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RunlogError(
      'usage',
      'BAD_CONFIG',
      `runlog.config.yaml: github.${issue.path.join('.')}: ${issue.message}`,
      'fix the github: section (repo: owner/name, optional apiUrl, labels)',
    );
  }
  return parsed.data;
}

/** A mirror with a resolved token; throws GITHUB_TOKEN_MISSING (with its hint) when there is none. */
export async function openMirror(
  ledger: Ledger,
  opts: Pick<MirrorOptions, 'apiUrl' | 'env'>,
): Promise<{ mirror: GitHubMirror; config: GitHubConfig | null; apiUrl: string }> {
  const gh = await import('../github/index.js');
  const config = await githubConfig(ledger);
  const confirmed = await ledger.git.tryRun(['config', '--get', 'runlog.githubApi']);
  const apiUrl = gh.trustedApiUrl(opts.apiUrl, config ?? undefined, confirmed.ok ? confirmed.out : undefined);
  const token = await gh.requireGitHubToken(opts.env ?? process.env, apiHostname(apiUrl));
  const client = new gh.GitHubClient({
    token,
    baseUrl: apiUrl,
    retries: config?.retries,
    maxRateLimitWaitMs: (config?.maxRateLimitWaitSec ?? 60) * 1000,
    scrubber: scrubberFor(ledger.config.scrub.rules),
  });
  return { mirror: new gh.GitHubMirror(client), config, apiUrl };
}

function apiHostname(apiUrl: string): { hostname?: string } {
  const host = new URL(apiUrl).hostname;
  return host === 'api.github.com' ? {} : { hostname: host };
}

/** The issue a logbook links (front matter `issue:` or the contract's Issue field), or null. */
export async function linkedIssue(doc: LogbookDoc, config: GitHubConfig | null): Promise<IssueRef | null> {
  const ref = doc.issue;
  if (!ref) return null;
  return parseIssue(ref, config?.repo);
}

/** parseIssueRef, also for web URLs under a path prefix. */
export async function parseIssue(ref: string, defaultRepo?: string): Promise<IssueRef> {
  const { parseIssueRef } = await import('../github/mirror.js');
  // Web URLs may sit under a path prefix (GitHub Enterprise behind a proxy): the last owner/repo/issues/n is the issue.
  const tail = /^https?:\/\/.*\/([^/\s]+)\/([^/\s]+)\/issues\/(\d+)\/?$/i.exec(ref);
  return parseIssueRef(tail ? `${tail[1]}/${tail[2]}#${tail[3]}` : ref, defaultRepo);
}

/**
 * The comment for one entry: concise, with the logbook path; formatEventComment adds 🤖 and the marker.
 * `chartUrl` replaces the entry's Chart link: a comment cannot show a committed image by a relative path.
 */
export function entryComment(slug: string, path: string, e: LogbookEntry, chartUrl?: string): string {
  const when = [e.date, e.time, e.zone].filter(Boolean).join(' ');
  const lines = [`**${slug}: ${e.title}** (${when})`, ''];
  for (const [k, v] of Object.entries(e.fields)) {
    if (k === 'Chart') {
      if (chartUrl) lines.push(`- ${k}:`, '', `![loss and throughput](${chartUrl})`, '');
    } else if (v) lines.push(`- ${k}: ${v}`);
  }
  lines.push('', `Logbook: \`${path}\``);
  return scrub(lines.join('\n'));
}

/**
 * Posts every pending entry of one logbook and marks the posted ones in one
 * commit. Never throws for GitHub being unreachable or rate limited: those
 * stay pending with the reason. A missing token or a missing issue link
 * leaves everything pending too, with that reason.
 */
export async function flushLogbook(ledger: Ledger, path: string, opts: MirrorOptions): Promise<FlushResult> {
  const out: FlushResult = { posted: [], pending: [], commits: [], pushed: false };
  const doc = new LogbookDoc(readInside(ledger.root, path) ?? '', path);
  const pending = doc.pending;
  if (pending.length === 0) return out;
  const slug = slugOf(path);
  const keepAll = (code: string, reason: string) => {
    for (const e of pending) out.pending.push({ path, eventId: e.eventId!, code, reason });
    return out;
  };
  let opened: Awaited<ReturnType<typeof openMirror>>;
  try {
    opened = await openMirror(ledger, opts);
  } catch (err) {
    if (err instanceof RunlogError) return keepAll(err.code, `${err.message} (${err.hint})`);
    throw err;
  }
  let issue: IssueRef | null;
  try {
    issue = await linkedIssue(doc, opened.config);
  } catch (err) {
    if (err instanceof RunlogError) return keepAll(err.code, `${err.message} (${err.hint})`);
    throw err;
  }
  if (!issue)
    return keepAll('NO_ISSUE', `${path} links no GitHub issue (front matter issue: or the Run Contract's Issue field)`);
  const repo = `${issue.owner}/${issue.repo}`;
  const posted: string[] = [];
  for (const e of pending) {
    let r: Awaited<ReturnType<GitHubMirror['postEvent']>>;
    try {
      const chartUrl = e.fields['Chart']
        ? await pinnedChartUrl(ledger, path, e.fields['Chart'], opened.apiUrl, opened.config?.repo ?? repo)
        : undefined;
      r = await opened.mirror.postEvent({
        repo,
        issueNumber: issue.number,
        eventId: e.eventId!,
        body: entryComment(slug, path, e, chartUrl),
      });
    } catch (err) {
      // Auth, permission, not-found, invalid: waiting will not fix them, but the entry is committed; keep it pending and say what to fix.
      if (!(err instanceof RunlogError)) throw err;
      r = { status: 'pending', code: err.code, reason: `${err.message} (${err.hint})` };
    }
    if (r.status === 'pending') {
      out.pending.push({
        path,
        eventId: e.eventId!,
        code: r.code,
        reason: r.reason,
        ...(r.retryAt ? { retryAt: r.retryAt } : {}),
      });
      // One refusal means the rest would be refused too; keep them for the next pass.
      for (const rest of pending.slice(pending.indexOf(e) + 1))
        out.pending.push({ path, eventId: rest.eventId!, code: r.code, reason: r.reason });
      break;
    }
    posted.push(e.eventId!);
    out.posted.push({ path, eventId: e.eventId!, commentUrl: r.commentUrl });
  }
  if (posted.length > 0) {
    const tx = await commit(
      ledger,
      {
        kind: 'mirror-posted',
        run: slug,
        args: { slug, path, events: posted.map((eventId) => ({ eventId, state: 'posted' })) },
      },
      { push: opts.push },
    );
    if (tx.commit) out.commits.push(tx.commit);
    out.pushed = tx.pushed;
    out.pushError = tx.pushError;
  }
  return out;
}

/**
 * `https://github.com/<o>/<r>/blob/<sha>/<path>?raw=true`: the chart a
 * logbook entry links, pinned to the last commit that changed it, so the
 * comment keeps showing the curve as it was at that milestone. Only a
 * chart under the runs folder is linked (the entry is shared content).
 */
async function pinnedChartUrl(
  ledger: Ledger,
  logbookPath: string,
  link: string,
  apiUrl: string,
  repo: string,
): Promise<string | undefined> {
  const { posix } = await import('node:path');
  const rel = /\]\(([^)\s]+\.svg)\)/.exec(link)?.[1];
  if (!rel) return undefined;
  const file = posix.normalize(posix.join(posix.dirname(logbookPath), rel));
  if (file.startsWith('../') || !file.startsWith(`${ledger.config.runs_dir}/`)) return undefined;
  const found = await ledger.git.tryRun(['log', '-1', '--format=%H', '--', file]);
  const sha = found.ok ? found.out.trim() : '';
  if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return undefined;
  return `${webBase(apiUrl)}/${repo}/blob/${sha}/${file.split('/').map(encodeURIComponent).join('/')}?raw=true`;
}

/** api.github.com → https://github.com; an Enterprise `https://host/api/v3` → `https://host`. */
function webBase(apiUrl: string): string {
  const u = new URL(apiUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  return `${u.origin}${u.pathname.replace(/\/api\/v3\/?$/, '').replace(/\/$/, '')}`;
}

/** `runlog sync`'s hook: post what every logbook still has pending. */
export async function flushPendingMirror(ledger: Ledger, opts: Partial<MirrorOptions> = {}): Promise<FlushResult> {
  const total: FlushResult = { posted: [], pending: [], commits: [], pushed: false };
  for (const path of listLogbooks(ledger.root)) {
    const text = readInside(ledger.root, path) ?? '';
    if (!text.includes('mirror=pending')) continue;
    const r = await flushLogbook(ledger, path, { push: opts.push ?? true, apiUrl: opts.apiUrl, env: opts.env });
    total.posted.push(...r.posted);
    total.pending.push(...r.pending);
    total.commits.push(...r.commits);
    total.pushed ||= r.pushed;
    total.pushError ??= r.pushError;
  }
  return total;
}
