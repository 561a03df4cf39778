import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { GitHubClient, type GitHubClientOptions } from '../../src/github/client.js';
import { GitHubMirror, eventMarker } from '../../src/github/mirror.js';
import { startGitHubServer, type FakeGitHub } from '../support/github-server.js';

const REPO = 'octo-org/hello';

describe('GitHub mirror against the fake API', () => {
  let gh: FakeGitHub;
  /** Every error a test provokes, checked for the token afterwards. */
  let seen: unknown[];

  const client = (opts: Partial<GitHubClientOptions> = {}) =>
    new GitHubClient({
      token: gh.token,
      baseUrl: gh.url,
      backoffBaseMs: 10,
      backoffMaxMs: 50,
      maxRateLimitWaitMs: 0,
      ...opts,
    });
  const mirror = (opts: Partial<GitHubClientOptions> = {}) => new GitHubMirror(client(opts));
  const caught = async (p: Promise<unknown>): Promise<RunlogError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    seen.push(err);
    expect(err).toBeInstanceOf(RunlogError);
    return err as RunlogError;
  };
  const count = (method: string, pattern: RegExp) =>
    gh.requests.filter((r) => r.method === method && pattern.test(r.path)).length;

  beforeEach(async () => {
    gh = await startGitHubServer({ repos: [REPO] });
    seen = [];
  });
  afterEach(async () => {
    await gh.stop();
    for (const err of seen) {
      expect(inspect(err, { depth: 30, showHidden: true })).not.toContain(gh.token);
      expect(
        JSON.stringify({ m: (err as Error).message, h: (err as RunlogError).hint, d: (err as RunlogError).details }),
      ).not.toContain(gh.token);
    }
    expect(gh.violations).toEqual([]);
  });

  describe('openHeroIssue', () => {
    it('creates "Hero run: <run>" with the labels and the logbook path in the body', async () => {
      const result = await mirror().openHeroIssue({
        repo: REPO,
        run: 'grug-moe-1e23-ep8',
        labels: ['experiment', 'agent-generated'],
        body: '🤖 Hero run issue.',
        logbookPath: '.agents/logbooks/grug-moe-1e23-ep8.md',
      });
      expect(result.status).toBe('created');
      expect(result.issue.number).toBe(1);
      expect(result.issue.title).toBe('Hero run: grug-moe-1e23-ep8');
      expect(result.issue.labels).toEqual(['experiment', 'agent-generated']);
      expect(result.issue.htmlUrl).toMatch(/\/octo-org\/hello\/issues\/1$/);
      expect(gh.issues).toHaveLength(1);
      expect(gh.issues[0].data.body).toContain('.agents/logbooks/grug-moe-1e23-ep8.md');
      expect((gh.issues[0].data.labels as Array<{ name: string }>).map((l) => l.name)).toEqual([
        'experiment',
        'agent-generated',
      ]);
    });

    it('adopts an open issue with that title instead of creating another, and ignores closed ones', async () => {
      gh.seedIssue({ title: 'Hero run: r1', state: 'closed' });
      gh.seedIssue({ title: 'Unrelated' });
      const open = gh.seedIssue({ title: 'Hero run: r1', body: 'opened by a person' });
      const result = await mirror().openHeroIssue({ repo: REPO, run: 'r1', labels: ['experiment'], body: 'ignored' });
      expect(result.status).toBe('adopted');
      expect(result.issue.number).toBe(open.number);
      expect(result.issue.body).toBe('opened by a person');
      expect(count('POST', /\/issues$/)).toBe(0);
      expect(gh.issues).toHaveLength(3);
    });

    it('raises GITHUB_INVALID for a title GitHub refuses, without retrying', async () => {
      const err = await caught(client({ retries: 3 }).createIssue(REPO, { title: '   ' }));
      expect(err.code).toBe('GITHUB_INVALID');
      expect(err.message).toMatch(/title/);
      expect(count('POST', /\/issues$/)).toBe(1);
      // The fake records the blank title as a request the real API rejects: exactly that one.
      expect(gh.takeViolations().map((v) => v.message)).toEqual([expect.stringMatching(/Issue\.title/)]);
    });
  });

  describe('postEvent', () => {
    beforeEach(() => {
      gh.seedIssue({ title: 'Hero run: r1' });
    });

    it('posts one comment that starts with 🤖 and carries the hidden event marker', async () => {
      const result = await mirror().postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: '2026-03-11T15:00Z-launch',
        body: 'Launched instance a1 at step 0.',
      });
      expect(result.status).toBe('posted');
      const comments = gh.comments(1);
      expect(comments).toHaveLength(1);
      const body = comments[0].body as string;
      expect(body.startsWith('🤖')).toBe(true);
      expect(body).toContain('Launched instance a1 at step 0.');
      expect(body).toContain(eventMarker('2026-03-11T15:00Z-launch'));
      expect(result.status === 'posted' && result.commentUrl).toBe(comments[0].html_url);
    });

    it('does not add a second 🤖 to a body that has one', async () => {
      await mirror().postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: '🤖 Relaunched.' });
      expect((gh.comments(1)[0].body as string).startsWith('🤖 Relaunched.')).toBe(true);
    });

    it('re-posting the same event finds it and posts nothing, even past the first page of comments', async () => {
      const m = mirror();
      for (let i = 0; i < 130; i++) gh.seedComment(1, `chatter ${i}`);
      const first = await m.postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e-crash-1',
        body: 'Crash at step 9000.',
      });
      expect(first.status).toBe('posted');
      const again = await m.postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e-crash-1',
        body: 'Crash at step 9000.',
      });
      expect(again).toMatchObject({ status: 'already_posted' });
      expect(again.status !== 'pending' && first.status !== 'pending' && again.commentId).toBe(
        first.status === 'posted' && first.commentId,
      );
      expect(gh.comments(1).filter((c) => (c.body as string).includes(eventMarker('e-crash-1')))).toHaveLength(1);
      expect(gh.requests.some((r) => r.path.endsWith('/comments') && r.query.page === '2')).toBe(true);
    });

    it('401: throws GITHUB_AUTH with a hint, without retrying', async () => {
      const m = new GitHubMirror(
        new GitHubClient({
          token: 'ghp_wrongTokenWrongTokenWrongToken0000',
          baseUrl: gh.url,
          retries: 3,
          backoffBaseMs: 10,
        }),
      );
      const err = await caught(m.postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' }));
      expect(err.code).toBe('GITHUB_AUTH');
      expect(err.hint).toMatch(/GH_TOKEN/);
      expect(err.hint).toMatch(/gh auth login/);
      expect(gh.requests).toHaveLength(1);
      expect(inspect(err, { depth: 30 })).not.toContain('ghp_wrongTokenWrongTokenWrongToken0000');
    });

    it('404: a missing issue is GITHUB_NOT_FOUND (exit 4), not pending', async () => {
      const err = await caught(
        mirror({ retries: 3 }).postEvent({ repo: REPO, issueNumber: 99, eventId: 'e1', body: 'x' }),
      );
      expect(err.code).toBe('GITHUB_NOT_FOUND');
      expect(err.exitCode).toBe(4);
      expect(gh.requests).toHaveLength(1);
    });

    it('422 from GitHub on the comment is raised, not retried', async () => {
      gh.failNext(1, { status: 422, method: 'POST' });
      const err = await caught(
        mirror({ retries: 3 }).postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' }),
      );
      expect(err.code).toBe('GITHUB_INVALID');
      expect(count('POST', /\/comments$/)).toBe(1);
      expect(gh.comments(1)).toHaveLength(0);
    });

    it('5xx on a read is retried with backoff and then succeeds', async () => {
      gh.failNext(2, { status: 502 });
      const result = await mirror({ retries: 3 }).postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' });
      expect(result.status).toBe('posted');
      expect(gh.requests.filter((r) => r.status === 502)).toHaveLength(2);
      expect(gh.comments(1)).toHaveLength(1);
    });

    it('5xx on the comment itself is not blindly resent: it looks for the marker, then reports pending', async () => {
      gh.failNext(1, { status: 500, method: 'POST' });
      const result = await mirror({ retries: 3 }).postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' });
      expect(result).toMatchObject({ status: 'pending', code: 'GITHUB_UNREACHABLE' });
      expect(count('POST', /\/comments$/)).toBe(1);
      expect(count('GET', /\/comments$/)).toBe(2);
      const later = await mirror().postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' });
      expect(later.status).toBe('posted');
      expect(gh.comments(1)).toHaveLength(1);
    });

    it('primary rate limit resetting later than the allowed wait → pending with the reset time', async () => {
      gh.rateLimit({ remaining: 0, resetInSec: 120 });
      const result = await mirror({ maxRateLimitWaitMs: 2000 }).postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e1',
        body: 'x',
      });
      expect(result.status).toBe('pending');
      if (result.status !== 'pending') return;
      expect(result.code).toBe('GITHUB_RATE_LIMITED');
      expect(Date.parse(result.retryAt ?? '')).toBeGreaterThan(Date.now() + 100_000);
      expect(gh.requests).toHaveLength(1);
      expect(gh.comments(1)).toHaveLength(0);
    });

    it('primary rate limit resetting within the allowed wait → waits for the reset and posts', async () => {
      gh.rateLimit({ remaining: 0, resetInSec: 1 });
      const started = Date.now();
      const result = await mirror({ maxRateLimitWaitMs: 5000 }).postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e1',
        body: 'x',
      });
      expect(result.status).toBe('posted');
      expect(gh.requests[0].status).toBe(403);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(gh.comments(1)).toHaveLength(1);
    });

    it('secondary rate limit: honours Retry-After before trying again', async () => {
      gh.rateLimit({ remaining: 0, resetInSec: 1, secondary: true, retryAfterSec: 1 });
      const started = Date.now();
      const result = await mirror({ maxRateLimitWaitMs: 5000 }).postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e1',
        body: 'x',
      });
      expect(result.status).toBe('posted');
      expect(gh.requests[0].status).toBe(403);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(gh.comments(1)).toHaveLength(1);
    });

    it('secondary rate limit with a Retry-After beyond the allowed wait → pending', async () => {
      gh.rateLimit({ remaining: 0, resetInSec: 300, secondary: true, retryAfterSec: 300 });
      const result = await mirror({ maxRateLimitWaitMs: 1000 }).postEvent({
        repo: REPO,
        issueNumber: 1,
        eventId: 'e1',
        body: 'x',
      });
      expect(result).toMatchObject({ status: 'pending', code: 'GITHUB_RATE_LIMITED' });
      expect(gh.requests).toHaveLength(1);
    });

    it('server down → pending; server up again → posted on the next call, once', async () => {
      await gh.stop();
      const down = await mirror({ retries: 2 }).postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' });
      expect(down).toMatchObject({ status: 'pending', code: 'GITHUB_UNREACHABLE' });
      if (down.status === 'pending') expect(down.reason).not.toContain(gh.token);
      await gh.start();
      const up = await mirror().postEvent({ repo: REPO, issueNumber: 1, eventId: 'e1', body: 'x' });
      expect(up.status).toBe('posted');
      expect(gh.comments(1)).toHaveLength(1);
    });

    it('refuses an event id that would break the hidden marker', async () => {
      const err = await caught(mirror().postEvent({ repo: REPO, issueNumber: 1, eventId: 'a-->b', body: 'x' }));
      expect(err.code).toBe('GITHUB_MIRROR_INPUT_INVALID');
      expect(err.exitCode).toBe(2);
      expect(gh.requests).toHaveLength(0);
    });
  });

  describe('linkLogbook', () => {
    it('adds the logbook link once, keeps the rest of the body, and replaces it when the logbook moves', async () => {
      gh.seedIssue({ title: 'Hero run: r1', body: 'Written by a person.\n' });
      const m = mirror();
      const first = await m.linkLogbook({ repo: REPO, issueNumber: 1, logbookPath: '.agents/logbooks/r1.md' });
      expect(first.status).toBe('linked');
      const body1 = gh.issues[0].data.body as string;
      expect(body1.startsWith('Written by a person.\n')).toBe(true);
      expect(body1).toContain('`.agents/logbooks/r1.md`');

      const again = await m.linkLogbook({ repo: REPO, issueNumber: 1, logbookPath: '.agents/logbooks/r1.md' });
      expect(again.status).toBe('already_linked');
      expect(count('PATCH', /\/issues\/1$/)).toBe(1);

      await m.linkLogbook({
        repo: REPO,
        issueNumber: 1,
        logbookPath: 'logs/r1.md',
        logbookUrl: 'https://github.com/octo-org/hello/blob/main/logs/r1.md',
      });
      const body3 = gh.issues[0].data.body as string;
      expect(body3).toContain('[`logs/r1.md`](https://github.com/octo-org/hello/blob/main/logs/r1.md)');
      expect(body3).not.toContain('.agents/logbooks/r1.md');
      expect(body3.match(/<!-- runlog:logbook -->/g)).toHaveLength(1);
    });

    it('leaves the link pending while GitHub is down', async () => {
      gh.seedIssue({ title: 'Hero run: r1' });
      await gh.stop();
      const result = await mirror({ retries: 0 }).linkLogbook({
        repo: REPO,
        issueNumber: 1,
        logbookPath: '.agents/logbooks/r1.md',
      });
      expect(result).toMatchObject({ status: 'pending', code: 'GITHUB_UNREACHABLE' });
    });
  });

  it('checks the token with GET /user', async () => {
    expect(await client().getAuthenticatedUser()).toEqual({ login: 'runlog-bot' });
    const err = await caught(new GitHubClient({ token: 'nope', baseUrl: gh.url }).getAuthenticatedUser());
    expect(err.code).toBe('GITHUB_AUTH');
  });
});
