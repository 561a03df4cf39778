/**
 * The hero-run issue mirror: the logbook is the record, the issue is the
 * concise status for observers. Every write is idempotent (a hidden marker
 * names what it carries), so a re-run cycle or a crash between posting and
 * committing never duplicates a comment. GitHub being down or rate limited
 * never fails a cycle: the update is reported pending and posted later.
 */
import { z } from 'zod';
import { RunlogError, usageError } from '../core/errors.js';
import type { GitHubClient, GitHubComment, GitHubIssue } from './client.js';
import { RepoSlugSchema } from './config.js';
import type { GitHubErrorDetails } from './errors.js';

/** Comments start with this unless a person approved the exact text: readers must see what a bot wrote. */
export const AGENT_PREFIX = '🤖';

/** GitHub refuses bodies over 65536 characters; stay clear of how it counts them. */
const MAX_COMMENT_CHARS = 60_000;
const TRUNCATED_NOTE = '\n\n… (truncated; the full entry is in the logbook)';

const EventIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,199}$/, 'letters, digits and . _ : @ + / - only')
  .refine((id) => !id.includes('--'), 'must not contain "--" (it would end the hidden HTML comment)');

const IssueNumberSchema = z.number().int().positive();

const PostEventInputSchema = z.object({
  repo: RepoSlugSchema,
  issueNumber: IssueNumberSchema,
  eventId: EventIdSchema,
  body: z.string().refine((b) => b.trim() !== '', 'must not be blank'),
});

const OpenHeroIssueInputSchema = z.object({
  repo: RepoSlugSchema,
  run: z.string().refine((r) => r.trim() !== '', 'must not be blank'),
  labels: z.array(z.string().min(1)).default([]),
  body: z.string(),
  logbookPath: z.string().min(1).optional(),
  logbookUrl: z.url().optional(),
});

const LinkLogbookInputSchema = z.object({
  repo: RepoSlugSchema,
  issueNumber: IssueNumberSchema,
  logbookPath: z.string().min(1),
  logbookUrl: z.url().optional(),
});

export type PostEventInput = z.input<typeof PostEventInputSchema>;
export type OpenHeroIssueInput = z.input<typeof OpenHeroIssueInputSchema>;
export type LinkLogbookInput = z.input<typeof LinkLogbookInputSchema>;

/** Why an update was left for later: the error's code and message, and when GitHub may accept it. */
export interface PendingReason {
  reason: string;
  code: string;
  retryAt?: string;
}

export type PostEventResult =
  | { status: 'posted' | 'already_posted'; commentUrl: string; commentId: number }
  | ({ status: 'pending' } & PendingReason);

export interface OpenHeroIssueResult {
  status: 'created' | 'adopted';
  issue: GitHubIssue;
}

export type LinkLogbookResult =
  | { status: 'linked' | 'already_linked'; issue: GitHubIssue }
  | ({ status: 'pending' } & PendingReason);

export interface IssueRef {
  owner: string;
  repo: string;
  number: number;
}

export const eventMarker = (eventId: string): string => `<!-- runlog:event=${eventId} -->`;

const LOGBOOK_START = '<!-- runlog:logbook -->';
const LOGBOOK_END = '<!-- /runlog:logbook -->';

export function heroIssueTitle(run: string): string {
  return `Hero run: ${run.trim()}`;
}

/** The comment as posted: starts with 🤖, ends with the hidden event marker, fits GitHub's limit. */
export function formatEventComment(eventId: string, body: string): string {
  let text = body.trim();
  if (!text.startsWith(AGENT_PREFIX)) text = `${AGENT_PREFIX} ${text}`;
  const marker = `\n\n${eventMarker(eventId)}`;
  if (text.length + marker.length > MAX_COMMENT_CHARS) {
    text = text.slice(0, MAX_COMMENT_CHARS - marker.length - TRUNCATED_NOTE.length) + TRUNCATED_NOTE;
  }
  return text + marker;
}

/** The issue body with one logbook block, replacing an earlier one; the rest is kept as written. */
export function withLogbookLink(body: string, logbookPath: string, logbookUrl?: string): string {
  const link = logbookUrl ? `[\`${logbookPath}\`](${logbookUrl})` : `\`${logbookPath}\``;
  const block = `${LOGBOOK_START}\nLogbook: ${link}\n${LOGBOOK_END}`;
  const start = body.indexOf(LOGBOOK_START);
  const end = start === -1 ? -1 : body.indexOf(LOGBOOK_END, start);
  if (start !== -1 && end !== -1) return body.slice(0, start) + block + body.slice(end + LOGBOOK_END.length);
  const trimmed = body.replace(/\s+$/, '');
  return trimmed === '' ? `${block}\n` : `${trimmed}\n\n${block}\n`;
}

/**
 * `<url|owner/repo#n|#n|n>` → the issue. Bare numbers need `defaultRepo`
 * (the `github.repo` of runlog.config.yaml). Any host is accepted, for Enterprise.
 */
export function parseIssueRef(ref: string, defaultRepo?: string): IssueRef {
  const text = ref.trim();
  const bad = () =>
    usageError(
      'GITHUB_ISSUE_REF_INVALID',
      `"${ref}" is not a GitHub issue`,
      'pass the issue URL (https://github.com/<owner>/<repo>/issues/<n>), owner/repo#<n>, or a number with github.repo set in runlog.config.yaml',
    );
  const fromParts = (slug: string, n: string): IssueRef => {
    const repo = RepoSlugSchema.safeParse(slug);
    const number = Number(n);
    if (!repo.success || !Number.isSafeInteger(number) || number <= 0) throw bad();
    const [owner, name] = slug.split('/');
    return { owner, repo: name, number };
  };

  if (/^https?:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw bad();
    }
    const m = /^\/([^/]+)\/([^/]+)\/issues\/(\d+)\/?$/.exec(url.pathname);
    if (!m) throw bad();
    return fromParts(`${m[1]}/${m[2]}`, m[3]);
  }
  const full = /^([^/\s#]+\/[^/\s#]+)#(\d+)$/.exec(text);
  if (full) return fromParts(full[1], full[2]);
  const bare = /^#?(\d+)$/.exec(text);
  if (bare) {
    if (!defaultRepo) {
      throw usageError(
        'GITHUB_REPO_MISSING',
        `issue "${ref}" needs a repository`,
        'set github.repo in runlog.config.yaml, or pass owner/repo#<n> or the issue URL',
      );
    }
    return fromParts(defaultRepo, bare[1]);
  }
  throw bad();
}

export class GitHubMirror {
  constructor(private readonly client: GitHubClient) {}

  /**
   * Posts one logbook event as an issue comment, at most once per `eventId`.
   * Unreachable or rate-limited GitHub → `pending` (no throw); auth, not-found
   * and invalid requests throw, since waiting will not fix them.
   */
  async postEvent(input: PostEventInput): Promise<PostEventResult> {
    const { repo, issueNumber, eventId, body } = parseInput(PostEventInputSchema, input);
    try {
      const existing = await this.findEventComment(repo, issueNumber, eventId);
      if (existing) return { status: 'already_posted', commentUrl: existing.htmlUrl, commentId: existing.id };
      try {
        const comment = await this.client.createComment(repo, issueNumber, formatEventComment(eventId, body));
        return { status: 'posted', commentUrl: comment.htmlUrl, commentId: comment.id };
      } catch (err) {
        if (!isDeferrable(err)) throw err;
        // The POST may have landed before the connection broke: look before calling it pending.
        const landed = mayHaveReachedGitHub(err)
          ? await this.findEventComment(repo, issueNumber, eventId).catch(() => undefined)
          : undefined;
        if (landed) return { status: 'posted', commentUrl: landed.htmlUrl, commentId: landed.id };
        return pending(err);
      }
    } catch (err) {
      if (isDeferrable(err)) return pending(err);
      throw err;
    }
  }

  /** Creates "Hero run: <run>", or adopts the open issue that already has that title. */
  async openHeroIssue(input: OpenHeroIssueInput): Promise<OpenHeroIssueResult> {
    const { repo, run, labels, body, logbookPath, logbookUrl } = parseInput(OpenHeroIssueInputSchema, input);
    const title = heroIssueTitle(run);
    const existing = await this.client.findIssueByTitle(repo, title, { state: 'open' });
    if (existing) return { status: 'adopted', issue: existing };
    const fullBody = logbookPath ? withLogbookLink(body, logbookPath, logbookUrl) : body;
    try {
      return { status: 'created', issue: await this.client.createIssue(repo, { title, body: fullBody, labels }) };
    } catch (err) {
      if (!(err instanceof RunlogError) || !mayHaveReachedGitHub(err)) throw err;
      const landed = await this.client.findIssueByTitle(repo, title, { state: 'open' }).catch(() => null);
      if (landed) return { status: 'created', issue: landed };
      throw err;
    }
  }

  /** Puts the logbook path in the issue body, once; a moved logbook replaces the old link. */
  async linkLogbook(input: LinkLogbookInput): Promise<LinkLogbookResult> {
    const { repo, issueNumber, logbookPath, logbookUrl } = parseInput(LinkLogbookInputSchema, input);
    try {
      const issue = await this.client.getIssue(repo, issueNumber);
      const body = withLogbookLink(issue.body, logbookPath, logbookUrl);
      if (body === issue.body) return { status: 'already_linked', issue };
      return { status: 'linked', issue: await this.client.updateIssueBody(repo, issueNumber, body) };
    } catch (err) {
      if (isDeferrable(err)) return pending(err);
      throw err;
    }
  }

  private async findEventComment(
    repo: string,
    issueNumber: number,
    eventId: string,
  ): Promise<GitHubComment | undefined> {
    const marker = eventMarker(eventId);
    const comments = await this.client.listComments(repo, issueNumber);
    return comments.find((c) => c.body.includes(marker));
  }
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.join('.') || 'input';
  throw usageError('GITHUB_MIRROR_INPUT_INVALID', `${field}: ${issue.message}`, `fix ${field} and retry`);
}

function isDeferrable(err: unknown): err is RunlogError {
  return err instanceof RunlogError && (err.code === 'GITHUB_UNREACHABLE' || err.code === 'GITHUB_RATE_LIMITED');
}

function mayHaveReachedGitHub(err: RunlogError): boolean {
  const d = err.details as GitHubErrorDetails | undefined;
  return err.code === 'GITHUB_UNREACHABLE' && d?.notSent !== true;
}

function pending(err: RunlogError): { status: 'pending' } & PendingReason {
  const d = err.details as GitHubErrorDetails | undefined;
  return { status: 'pending', reason: err.message, code: err.code, ...(d?.retryAt ? { retryAt: d.retryAt } : {}) };
}
