/**
 * A thin typed wrapper over @octokit/rest for the issue calls runlog makes.
 * Octokit's own retries are off: we retry here, only what is safe to retry,
 * and translate every failure into a RunlogError.
 */
import { Octokit } from '@octokit/rest';
import { scrubberFor, type Scrubber } from '../core/scrub/scrub.js';
import type { RunlogError } from '../core/errors.js';
import { DEFAULT_GITHUB_API, parseRepoSlug } from './config.js';
import { translateGitHubError, type GitHubErrorDetails } from './errors.js';
import { backoffMs, sleep } from '../core/backoff.js';

export interface GitHubClientOptions {
  token: string;
  /** REST API base URL (GitHub Enterprise: https://<host>/api/v3). */
  baseUrl?: string;
  /** Retries after the first attempt for network errors, 408, 5xx and rate limits. Default 3. */
  retries?: number;
  /** First backoff delay; doubles each retry, with jitter. Default 1000 ms. */
  backoffBaseMs?: number;
  /** Longest single backoff delay. Default 15000 ms. */
  backoffMaxMs?: number;
  /** Longest wait for a rate limit reset or Retry-After before giving up with GITHUB_RATE_LIMITED. Default 60000 ms. */
  maxRateLimitWaitMs?: number;
  /** Per-request timeout. Default 30000 ms. */
  requestTimeoutMs?: number;
  userAgent?: string;
  /** Every title and body sent passes it (the ledger's scrubber; the built-in rules by default). */
  scrubber?: Scrubber;
}

export interface GitHubIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  /** API URL. */
  url: string;
  /** Web URL, for people and for the logbook. */
  htmlUrl: string;
  labels: string[];
}

export interface GitHubComment {
  id: number;
  body: string;
  htmlUrl: string;
  createdAt: string;
  author: string | null;
}

type Method = 'GET' | 'POST' | 'PATCH';

/** Issues and comments come back from several endpoints in the same shape. */
interface IssueData {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  url: string;
  html_url: string;
  labels: Array<string | { name?: string }>;
  pull_request?: unknown;
}

interface CommentData {
  id: number;
  body?: string;
  html_url: string;
  created_at: string;
  user: { login: string } | null;
}

const PAGE_SIZE = 100;
/** A broken Link header must not page forever; GitHub caps an issue's comments well below this. */
const MAX_PAGES = 500;
/** Rate-limit resets are whole seconds on GitHub's clock; wait a little past them. */
const RESET_MARGIN_MS = 1000;

/** Request parameters that carry free text into GitHub. */
const SENT_TEXT = ['title', 'body'] as const;

const silentLog = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

export class GitHubClient {
  readonly baseUrl: string;
  private readonly octokit: Octokit;
  private readonly retries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly requestTimeoutMs: number;

  constructor(opts: GitHubClientOptions) {
    this.baseUrl = (opts.baseUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
    this.retries = opts.retries ?? 3;
    this.backoffBaseMs = opts.backoffBaseMs ?? 1000;
    this.backoffMaxMs = opts.backoffMaxMs ?? 15_000;
    this.maxRateLimitWaitMs = opts.maxRateLimitWaitMs ?? 60_000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.octokit = new Octokit({
      auth: opts.token,
      baseUrl: this.baseUrl,
      userAgent: opts.userAgent ?? 'runlog',
      // Octokit's request log would otherwise print request options to the console.
      log: silentLog,
      request: { retries: 0 },
    });
    // The last line of defence: an issue or comment is public the moment it is posted.
    const scrubber = opts.scrubber ?? scrubberFor(undefined);
    this.octokit.hook.before('request', (options) => {
      for (const key of SENT_TEXT) if (typeof options[key] === 'string') options[key] = scrubber.text(options[key]);
    });
  }

  /** Checks the token; returns the login it belongs to. */
  async getAuthenticatedUser(): Promise<{ login: string }> {
    const res = await this.call('GET', 'check the GitHub token', (signal) =>
      this.octokit.rest.users.getAuthenticated({ request: { signal } }),
    );
    return { login: res.data.login };
  }

  async createIssue(repo: string, input: { title: string; body?: string; labels?: string[] }): Promise<GitHubIssue> {
    const r = parseRepoSlug(repo);
    const res = await this.call('POST', `create issue "${input.title}" in ${repo}`, (signal) =>
      this.octokit.rest.issues.create({
        ...r,
        title: input.title,
        body: input.body,
        labels: input.labels,
        request: { signal },
      }),
    );
    return toIssue(res.data);
  }

  async getIssue(repo: string, issueNumber: number): Promise<GitHubIssue> {
    const r = parseRepoSlug(repo);
    const res = await this.call('GET', `read ${repo}#${issueNumber}`, (signal) =>
      this.octokit.rest.issues.get({ ...r, issue_number: issueNumber, request: { signal } }),
    );
    return toIssue(res.data);
  }

  /** The first issue (not pull request) whose title is exactly `title`, newest first. */
  async findIssueByTitle(
    repo: string,
    title: string,
    opts: { state?: 'open' | 'closed' | 'all' } = {},
  ): Promise<GitHubIssue | null> {
    const r = parseRepoSlug(repo);
    const wanted = title.trim();
    const found = await this.paginate<IssueData>(
      `list issues in ${repo}`,
      (page, signal) =>
        this.octokit.rest.issues.listForRepo({
          ...r,
          state: opts.state ?? 'open',
          sort: 'created',
          direction: 'desc',
          per_page: PAGE_SIZE,
          page,
          request: { signal },
        }),
      (items) => items.find((i) => i.pull_request === undefined && i.title.trim() === wanted),
    );
    return found ? toIssue(found) : null;
  }

  async updateIssueBody(repo: string, issueNumber: number, body: string): Promise<GitHubIssue> {
    const r = parseRepoSlug(repo);
    // Replacing the body is idempotent, so PATCH is retried like a GET.
    const res = await this.call('PATCH', `update the body of ${repo}#${issueNumber}`, (signal) =>
      this.octokit.rest.issues.update({ ...r, issue_number: issueNumber, body, request: { signal } }),
    );
    return toIssue(res.data);
  }

  /** Every comment on the issue, oldest first, following the Link header page by page. */
  async listComments(repo: string, issueNumber: number): Promise<GitHubComment[]> {
    const r = parseRepoSlug(repo);
    const all: CommentData[] = [];
    await this.paginate<CommentData>(
      `list comments on ${repo}#${issueNumber}`,
      (page, signal) =>
        this.octokit.rest.issues.listComments({
          ...r,
          issue_number: issueNumber,
          per_page: PAGE_SIZE,
          page,
          request: { signal },
        }),
      (items) => {
        all.push(...items);
        return undefined;
      },
    );
    return all.map(toComment);
  }

  async createComment(repo: string, issueNumber: number, body: string): Promise<GitHubComment> {
    const r = parseRepoSlug(repo);
    const res = await this.call('POST', `create comment on ${repo}#${issueNumber}`, (signal) =>
      this.octokit.rest.issues.createComment({ ...r, issue_number: issueNumber, body, request: { signal } }),
    );
    return toComment(res.data);
  }

  private async paginate<T>(
    operation: string,
    fetchPage: (page: number, signal: AbortSignal) => Promise<{ data: unknown; headers: { link?: string } }>,
    visit: (items: T[]) => T | undefined,
  ): Promise<T | undefined> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const res = await this.call('GET', page === 1 ? operation : `${operation} (page ${page})`, (signal) =>
        fetchPage(page, signal),
      );
      const hit = visit(res.data as T[]);
      if (hit !== undefined) return hit;
      if (!/rel="next"/.test(res.headers.link ?? '')) return undefined;
    }
    return undefined;
  }

  private async call<T>(method: Method, operation: string, send: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send(AbortSignal.timeout(this.requestTimeoutMs));
      } catch (err) {
        const error = translateGitHubError(err, operation);
        const delay = this.retryDelay(error, method, attempt);
        if (delay === null) throw error;
        await sleep(delay);
      }
    }
  }

  /** Milliseconds to wait before the next attempt, or null when the error is final. */
  private retryDelay(error: RunlogError, method: Method, attempt: number): number | null {
    if (attempt >= this.retries) return null;
    const d = error.details as GitHubErrorDetails | undefined;
    if (error.code === 'GITHUB_RATE_LIMITED') {
      const wait = d?.waitMs ?? Number.POSITIVE_INFINITY;
      if (wait > this.maxRateLimitWaitMs) return null;
      return wait + (d?.secondary ? 0 : RESET_MARGIN_MS);
    }
    if (error.code !== 'GITHUB_UNREACHABLE') return null;
    // A POST that may have reached GitHub could have created the comment or
    // issue already: leave it to the caller, which can look before resending.
    if (method === 'POST' && !d?.notSent) return null;
    return backoffMs(attempt + 1, this.backoffBaseMs, this.backoffMaxMs);
  }
}

function toIssue(data: IssueData): GitHubIssue {
  return {
    number: data.number,
    title: data.title,
    body: data.body ?? '',
    state: data.state === 'closed' ? 'closed' : 'open',
    url: data.url,
    htmlUrl: data.html_url,
    labels: data.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}

function toComment(data: CommentData): GitHubComment {
  return {
    id: data.id,
    body: data.body ?? '',
    htmlUrl: data.html_url,
    createdAt: data.created_at,
    author: data.user?.login ?? null,
  };
}
