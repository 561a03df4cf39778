import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { githubTokenMissing, requireGitHubToken, resolveGitHubToken } from '../../src/github/token.js';

describe('resolveGitHubToken', () => {
  let dir: string;
  let empty: string;

  /** A real `gh` executable on PATH that answers `gh auth token [--hostname h]` the way gh does. */
  const installGh = async (script: string) => {
    const gh = join(dir, 'gh');
    await writeFile(gh, `#!/bin/sh\n${script}\n`);
    await chmod(gh, 0o755);
  };
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    ...extra,
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runlog-gh-'));
    empty = await mkdtemp(join(tmpdir(), 'runlog-nogh-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('prefers GH_TOKEN, then GITHUB_TOKEN, then gh', async () => {
    await installGh('echo gho_from_gh');
    expect(await resolveGitHubToken(env({ GH_TOKEN: 'ghp_a', GITHUB_TOKEN: 'ghp_b' }))).toBe('ghp_a');
    expect(await resolveGitHubToken(env({ GH_TOKEN: '  ', GITHUB_TOKEN: 'ghp_b' }))).toBe('ghp_b');
    expect(await resolveGitHubToken(env())).toBe('gho_from_gh');
  });

  it('asks gh for the Enterprise host when one is given', async () => {
    await installGh(
      'if [ "$1 $2 $3 $4" = "auth token --hostname ghe.example.com" ]; then echo gho_ghe; else echo gho_dotcom; fi',
    );
    expect(await resolveGitHubToken(env(), { hostname: 'ghe.example.com' })).toBe('gho_ghe');
    expect(await resolveGitHubToken(env())).toBe('gho_dotcom');
  });

  it('treats a logged-out, noisy or hanging gh as no token', async () => {
    await installGh('echo "no oauth token found" >&2; exit 1');
    expect(await resolveGitHubToken(env())).toBeNull();
    await installGh('echo "not a token, a sentence"');
    expect(await resolveGitHubToken(env())).toBeNull();
    await installGh('exec sleep 5');
    const started = Date.now();
    expect(await resolveGitHubToken(env(), { timeoutMs: 200 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('returns null without gh on PATH, and requireGitHubToken says how to set one', async () => {
    expect(await resolveGitHubToken({ PATH: empty })).toBeNull();
    const err = await requireGitHubToken({ PATH: empty }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunlogError);
    expect(err).toMatchObject({ code: 'GITHUB_TOKEN_MISSING', kind: 'failed' });
    expect((err as RunlogError).hint).toMatch(/GH_TOKEN/);
    expect((err as RunlogError).hint).toMatch(/gh auth login/);
    expect(githubTokenMissing().exitCode).toBe(1);
  });
});
