/**
 * Octokit's RequestError → RunlogError, at the edge. Messages carry GitHub's
 * own message and what we were doing; never a header, so never the token.
 */
import { RunlogError, failed, notFound, toRunlogError } from '../core/errors.js';

export type GitHubErrorCode =
  | 'GITHUB_AUTH'
  | 'GITHUB_FORBIDDEN'
  | 'GITHUB_NOT_FOUND'
  | 'GITHUB_INVALID'
  | 'GITHUB_RATE_LIMITED'
  | 'GITHUB_UNREACHABLE'
  | 'GITHUB_REQUEST_FAILED';

/** `details` of every GitHub RunlogError. */
export type GitHubErrorDetails = {
  /** HTTP status; 0 when no response arrived. */
  status: number;
  /** What we were doing, e.g. "create comment on octo/hello#3". */
  operation: string;
  /** Worth trying again later (network, 5xx, rate limits). */
  retryable: boolean;
  /** The request never reached GitHub (connection refused), so a POST may be resent safely. */
  notSent?: boolean;
  /** Rate limits: when GitHub will accept requests again (ISO-8601). */
  retryAt?: string;
  /** Rate limits: how long to wait, in milliseconds, from when the error was made. */
  waitMs?: number;
  secondary?: boolean;
};

interface ResponseLike {
  status: number;
  headers: Record<string, string | number | undefined>;
  data?: unknown;
}

interface RequestErrorLike {
  status: number;
  message: string;
  response?: ResponseLike;
}

function isRequestErrorLike(err: unknown): err is RequestErrorLike {
  return err instanceof Error && typeof (err as { status?: unknown }).status === 'number';
}

/** Secondary limits without retry-after: GitHub asks for at least a minute. */
const SECONDARY_DEFAULT_WAIT_MS = 60_000;

export function translateGitHubError(err: unknown, operation: string, now: number = Date.now()): RunlogError {
  if (err instanceof RunlogError) return err;
  if (isTimeout(err)) return unreachable(operation, 0, 'the request timed out', err, false);
  if (!isRequestErrorLike(err)) return toRunlogError(err);

  const response = err.response;
  if (!response) {
    const refused = hasErrorCode(err, 'ECONNREFUSED');
    return unreachable(operation, 0, err.message, err, refused);
  }
  const status = response.status;
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return value === undefined ? undefined : String(value);
  };
  const ghMessage = githubMessage(response.data) ?? err.message;

  if (status === 401) {
    return failed(
      'GITHUB_AUTH',
      `GitHub rejected the token while trying to ${operation}: ${ghMessage}`,
      'set GH_TOKEN to a valid token with issues: write on the repository, or run `gh auth login`; then retry',
      {
        cause: err,
        details: detail(status, operation, false),
      },
    );
  }
  if (status === 403 || status === 429) {
    const limit = rateLimit(header, ghMessage, status, now);
    if (limit) {
      const secs = Math.ceil(limit.waitMs / 1000);
      return failed(
        'GITHUB_RATE_LIMITED',
        `GitHub ${limit.secondary ? 'secondary ' : ''}rate limit hit while trying to ${operation}; it resets at ${limit.retryAt} (in ${secs}s)`,
        'nothing is lost: the update stays pending and the next cycle or `runlog sync` posts it after the reset',
        { cause: err, details: { ...detail(status, operation, true), ...limit } },
      );
    }
    if (status === 403) {
      return failed(
        'GITHUB_FORBIDDEN',
        `GitHub refused to ${operation}: ${ghMessage}`,
        'the token lacks permission on this repository; use a token with issues: write (fine-grained) or repo scope (classic)',
        {
          cause: err,
          details: detail(status, operation, false),
        },
      );
    }
    return unreachable(operation, status, ghMessage, err, false);
  }
  if (status === 404) {
    return notFound(
      'GITHUB_NOT_FOUND',
      `GitHub could not find what we asked for while trying to ${operation}: ${ghMessage}`,
      'check the repository (owner/name) and issue number, and that the token can see the repository',
      {
        ...detail(status, operation, false),
      },
    );
  }
  if (status === 422) {
    return failed(
      'GITHUB_INVALID',
      `GitHub rejected the request to ${operation}: ${ghMessage}${validationSummary(response.data)}`,
      'fix the value GitHub names (e.g. a blank title or an over-long body); retrying unchanged will fail again',
      {
        cause: err,
        details: detail(status, operation, false),
      },
    );
  }
  if (status === 408 || status >= 500) return unreachable(operation, status, ghMessage, err, false);
  return failed(
    'GITHUB_REQUEST_FAILED',
    `GitHub answered ${status} while trying to ${operation}: ${ghMessage}`,
    'retry; if it persists, check https://www.githubstatus.com and the --github-api URL',
    {
      cause: err,
      details: detail(status, operation, false),
    },
  );
}

function detail(status: number, operation: string, retryable: boolean): GitHubErrorDetails {
  return { status, operation, retryable };
}

function unreachable(operation: string, status: number, reason: string, cause: unknown, notSent: boolean): RunlogError {
  const what = status === 0 ? reason : `${status} ${reason}`;
  return failed(
    'GITHUB_UNREACHABLE',
    `could not reach GitHub to ${operation}: ${what}`,
    'check the network and the --github-api URL; the update stays pending and the next cycle or `runlog sync` posts it',
    {
      cause,
      details: { ...detail(status, operation, true), notSent },
    },
  );
}

function rateLimit(
  header: (name: string) => string | undefined,
  message: string,
  status: number,
  now: number,
): { retryAt: string; waitMs: number; secondary: boolean } | undefined {
  const retryAfter = Number(header('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && header('retry-after') !== undefined) {
    const waitMs = retryAfter * 1000;
    return { waitMs, retryAt: new Date(now + waitMs).toISOString(), secondary: true };
  }
  if (header('x-ratelimit-remaining') === '0') {
    const reset = Number(header('x-ratelimit-reset'));
    const resetMs = Number.isFinite(reset) ? reset * 1000 : now + SECONDARY_DEFAULT_WAIT_MS;
    return { waitMs: Math.max(0, resetMs - now), retryAt: new Date(resetMs).toISOString(), secondary: false };
  }
  if (status === 429 || /secondary rate limit|abuse/i.test(message)) {
    return {
      waitMs: SECONDARY_DEFAULT_WAIT_MS,
      retryAt: new Date(now + SECONDARY_DEFAULT_WAIT_MS).toISOString(),
      secondary: true,
    };
  }
  return undefined;
}

function githubMessage(data: unknown): string | undefined {
  if (data && typeof data === 'object' && 'message' in data && typeof data.message === 'string') return data.message;
  return undefined;
}

function validationSummary(data: unknown): string {
  if (!data || typeof data !== 'object' || !('errors' in data) || !Array.isArray(data.errors)) return '';
  const parts = data.errors
    .map((e: unknown) => {
      if (!e || typeof e !== 'object') return '';
      const o = e as Record<string, unknown>;
      return [o.resource, o.field, o.code, o.message].filter((x) => typeof x === 'string' && x).join(' ');
    })
    .filter(Boolean);
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

function isTimeout(err: unknown): boolean {
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

function hasErrorCode(err: unknown, code: string, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 5) return false;
  const o = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (o.code === code) return true;
  if (Array.isArray(o.errors) && o.errors.some((e) => hasErrorCode(e, code, depth + 1))) return true;
  return hasErrorCode(o.cause, code, depth + 1);
}
