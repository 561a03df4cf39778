import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGitHubServer, type FakeGitHub } from '../support/github-server.js';

/** The fake is only worth trusting if it rejects what GitHub rejects; these check that with raw HTTP. */
describe('fake GitHub server', () => {
  let gh: FakeGitHub;
  const api = (path: string, init: RequestInit = {}, token?: string) =>
    fetch(`${gh.url}${path}`, {
      ...init,
      headers: {
        authorization: `token ${token ?? gh.token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });

  beforeEach(async () => {
    gh = await startGitHubServer({ repos: ['octo-org/hello'] });
  });
  afterEach(async () => {
    await gh.stop();
  });

  it('creates an issue with labels and answers in the documented shape', async () => {
    const res = await api('/repos/octo-org/hello/issues', {
      method: 'POST',
      body: JSON.stringify({ title: 'T', body: 'B', labels: ['experiment'] }),
    });
    expect(res.status).toBe(201);
    const issue = (await res.json()) as { number: number; labels: Array<{ name: string }> };
    expect(issue.number).toBe(1);
    expect(issue.labels.map((l) => l.name)).toEqual(['experiment']);
    expect(res.headers.get('location')).toBe(`${gh.url}/repos/octo-org/hello/issues/1`);
    expect(gh.violations).toEqual([]);
  });

  it("answers 401 with GitHub's error body for a wrong token, without calling it a violation", async () => {
    const res = await api('/user', {}, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ message: 'Bad credentials' });
    expect(gh.violations).toEqual([]);
  });

  it('rejects a body the OpenAPI description forbids and records the violation', async () => {
    gh.seedIssue({ title: 'x' });
    const res = await api('/repos/octo-org/hello/issues/1/comments', {
      method: 'POST',
      body: JSON.stringify({ text: 'no body field' }),
    });
    expect(res.status).toBe(422);
    const violations = gh.takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({ kind: 'request' });
    expect(violations[0].message).toMatch(/body/);
    expect(gh.comments(1)).toHaveLength(0);
  });

  it('rejects an undocumented query parameter, a non-integer issue number and an unknown route', async () => {
    expect((await api('/repos/octo-org/hello/issues?colour=red')).status).toBe(422);
    expect((await api('/repos/octo-org/hello/issues/abc')).status).toBe(404);
    expect((await api('/repos/octo-org/hello/pulls')).status).toBe(404);
    expect(gh.takeViolations().map((v) => v.kind)).toEqual(['request', 'request', 'route']);
  });

  it('records a response of its own that strays from the description', async () => {
    const issue = gh.seedIssue({ title: 'x' });
    delete issue.node_id;
    issue.state_reason = 'bored';
    expect((await api('/repos/octo-org/hello/issues/1')).status).toBe(200);
    const violations = gh.takeViolations();
    expect(violations).toHaveLength(1);
    expect(violations[0].kind).toBe('response');
    expect(violations[0].message).toMatch(/node_id/);
    expect(violations[0].message).toMatch(/state_reason/);
  });

  it('pages comments with per_page/page and a Link header', async () => {
    gh.seedIssue({ title: 'x' });
    for (let i = 0; i < 5; i++) gh.seedComment(1, `c${i}`);
    const first = await api('/repos/octo-org/hello/issues/1/comments?per_page=2');
    expect(((await first.json()) as Array<{ body: string }>).map((c) => c.body)).toEqual(['c0', 'c1']);
    expect(first.headers.get('link')).toContain('page=2>; rel="next"');
    expect(first.headers.get('link')).toContain('page=3>; rel="last"');
    const last = await api('/repos/octo-org/hello/issues/1/comments?per_page=2&page=3');
    expect(((await last.json()) as Array<{ body: string }>).map((c) => c.body)).toEqual(['c4']);
    expect(last.headers.get('link')).not.toContain('rel="next"');
    expect(gh.violations).toEqual([]);
  });

  it('injects failures, primary and secondary rate limits', async () => {
    gh.failNext(1, { status: 502 });
    expect((await api('/user')).status).toBe(502);
    expect((await api('/user')).status).toBe(200);

    gh.rateLimit({ remaining: 0, resetInSec: 60 });
    const limited = await api('/user');
    expect(limited.status).toBe(403);
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(limited.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000 + 50);
    const rl = (await (await api('/rate_limit')).json()) as { resources: { core: { remaining: number } } };
    expect(rl.resources.core.remaining).toBe(0);

    gh.rateLimit({ remaining: 0, resetInSec: 60, secondary: true, retryAfterSec: 30 });
    const secondary = await api('/user');
    expect(secondary.status).toBe(403);
    expect(secondary.headers.get('retry-after')).toBe('30');
    expect(gh.violations).toEqual([]);
  });

  it('stops and starts again on the same port', async () => {
    const port = gh.port;
    await gh.stop();
    await expect(api('/user')).rejects.toThrow();
    await gh.start();
    expect(gh.port).toBe(port);
    expect((await api('/user')).status).toBe(200);
  });
});
