import { describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { GitHubConfigSchema, resolveApiUrl, trustedApiUrl } from '../../src/github/config.js';
import { translateGitHubError } from '../../src/github/errors.js';
import { eventMarker, formatEventComment, parseIssueRef, withLogbookLink } from '../../src/github/mirror.js';

const usageCode = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof RunlogError && err.kind === 'usage' ? err.code : 'not a usage error';
  }
  return undefined;
};

describe('parseIssueRef', () => {
  it('reads issue URLs (github.com and Enterprise), owner/repo#n, #n and n', () => {
    expect(parseIssueRef('https://github.com/marin-community/marin/issues/1234')).toEqual({
      owner: 'marin-community',
      repo: 'marin',
      number: 1234,
    });
    expect(parseIssueRef('https://github.com/marin-community/marin/issues/7#issuecomment-99')).toEqual({
      owner: 'marin-community',
      repo: 'marin',
      number: 7,
    });
    expect(parseIssueRef('https://ghe.example.com/ml/runs/issues/3/')).toEqual({
      owner: 'ml',
      repo: 'runs',
      number: 3,
    });
    expect(parseIssueRef('octo/hello#12')).toEqual({ owner: 'octo', repo: 'hello', number: 12 });
    expect(parseIssueRef('#5', 'octo/hello')).toEqual({ owner: 'octo', repo: 'hello', number: 5 });
    expect(parseIssueRef(' 5 ', 'octo/hello')).toEqual({ owner: 'octo', repo: 'hello', number: 5 });
  });

  it('rejects what is not an issue, with a usage error', () => {
    expect(usageCode(() => parseIssueRef('https://github.com/o/r/pull/3'))).toBe('GITHUB_ISSUE_REF_INVALID');
    expect(usageCode(() => parseIssueRef('o/r#0'))).toBe('GITHUB_ISSUE_REF_INVALID');
    expect(usageCode(() => parseIssueRef('../etc#1'))).toBe('GITHUB_ISSUE_REF_INVALID');
    expect(usageCode(() => parseIssueRef('twelve', 'o/r'))).toBe('GITHUB_ISSUE_REF_INVALID');
    expect(usageCode(() => parseIssueRef('12'))).toBe('GITHUB_REPO_MISSING');
  });
});

describe('formatEventComment', () => {
  it('starts with 🤖 and ends with the marker', () => {
    const text = formatEventComment('e1', '  Crash at step 9000.\n');
    expect(text).toBe(`🤖 Crash at step 9000.\n\n${eventMarker('e1')}`);
  });

  it('truncates an over-long body but keeps the marker, so the post stays idempotent', () => {
    const text = formatEventComment('e2', 'x'.repeat(100_000));
    expect(text.length).toBeLessThanOrEqual(60_000);
    expect(text.endsWith(eventMarker('e2'))).toBe(true);
    expect(text).toContain('truncated');
  });
});

describe('withLogbookLink', () => {
  it('appends one block to an empty or written body and replaces it in place later', () => {
    const once = withLogbookLink('', 'a.md');
    expect(once).toBe('<!-- runlog:logbook -->\nLogbook: `a.md`\n<!-- /runlog:logbook -->\n');
    const written = withLogbookLink('Intro.\n\nMore.', 'a.md');
    expect(written.startsWith('Intro.\n\nMore.\n\n<!-- runlog:logbook -->')).toBe(true);
    expect(withLogbookLink(written, 'a.md')).toBe(written);
    const moved = withLogbookLink(`${written}Footer by a person.\n`, 'b.md', 'https://x.test/b.md');
    expect(moved).toBe(
      'Intro.\n\nMore.\n\n<!-- runlog:logbook -->\nLogbook: [`b.md`](https://x.test/b.md)\n<!-- /runlog:logbook -->\nFooter by a person.\n',
    );
  });
});

describe('GitHub config', () => {
  it('fills defaults and refuses unknown keys and malformed repos', () => {
    expect(GitHubConfigSchema.parse({ repo: 'marin-community/marin' })).toEqual({
      repo: 'marin-community/marin',
      labels: ['experiment', 'agent-generated'],
      maxRateLimitWaitSec: 60,
      retries: 3,
    });
    expect(GitHubConfigSchema.safeParse({ repo: 'marin' }).success).toBe(false);
    expect(GitHubConfigSchema.safeParse({ repo: 'a/b', token: 'x' }).success).toBe(false);
    expect(GitHubConfigSchema.safeParse({ repo: 'a/b', apiUrl: 'ftp://x' }).success).toBe(false);
  });

  it('takes --github-api over the config, and defaults to api.github.com', () => {
    expect(resolveApiUrl(undefined, {})).toBe('https://api.github.com');
    expect(resolveApiUrl(undefined, { apiUrl: 'https://ghe.example.com/api/v3/' })).toBe(
      'https://ghe.example.com/api/v3',
    );
    expect(resolveApiUrl('http://127.0.0.1:9', { apiUrl: 'https://ghe.example.com/api/v3' })).toBe(
      'http://127.0.0.1:9',
    );
    expect(usageCode(() => resolveApiUrl('not a url'))).toBe('GITHUB_API_URL_INVALID');
  });

  it('sends the token to a configured API only once this machine confirmed it (the config arrives through git)', () => {
    const ghe = { apiUrl: 'https://ghe.example.com/api/v3/' };
    expect(trustedApiUrl(undefined, undefined, undefined)).toBe('https://api.github.com');
    expect(trustedApiUrl(undefined, ghe, 'https://ghe.example.com/api/v3\n')).toBe('https://ghe.example.com/api/v3');
    expect(trustedApiUrl('http://127.0.0.1:9', ghe, undefined)).toBe('http://127.0.0.1:9');
    for (const confirmed of [undefined, 'https://other.example.com/api/v3']) {
      expect(() => trustedApiUrl(undefined, ghe, confirmed)).toThrow(
        expect.objectContaining({ code: 'GITHUB_API_UNTRUSTED', exitCode: 2 }),
      );
    }
  });
});

describe('translateGitHubError', () => {
  const httpError = (status: number, headers: Record<string, string>, data: unknown) =>
    Object.assign(new Error('x'), { status, response: { status, headers, data } });

  it("reads a 429 without headers as a secondary limit with GitHub's one-minute wait", () => {
    const now = Date.parse('2026-03-11T15:00:00Z');
    const err = translateGitHubError(httpError(429, {}, { message: 'Too Many Requests' }), 'list comments', now);
    expect(err.code).toBe('GITHUB_RATE_LIMITED');
    expect(err.details).toMatchObject({
      secondary: true,
      waitMs: 60_000,
      retryAt: '2026-03-11T15:01:00.000Z',
      retryable: true,
    });
  });

  it('tells a permission 403 apart from a rate limit', () => {
    const err = translateGitHubError(
      httpError(403, {}, { message: 'Resource not accessible by personal access token' }),
      'create comment',
    );
    expect(err.code).toBe('GITHUB_FORBIDDEN');
    expect(err.details).toMatchObject({ retryable: false });
  });
});
