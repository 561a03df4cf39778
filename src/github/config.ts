import { z } from 'zod';
import { usageError } from '../core/errors.js';

export const DEFAULT_GITHUB_API = 'https://api.github.com';

/** `owner/name`, as GitHub spells repositories. */
export const RepoSlugSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/,
    'expected owner/name, e.g. marin-community/marin',
  );

/** The `github:` section of runlog.config.yaml. */
export const GitHubConfigSchema = z
  .object({
    /** Repository that holds hero-run issues. */
    repo: RepoSlugSchema,
    /** REST API base URL; set for GitHub Enterprise, e.g. https://ghe.example.com/api/v3. */
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Labels applied to new hero-run issues. */
    labels: z.array(z.string().min(1)).default(['experiment', 'agent-generated']),
    /** Longest wait for a rate limit to reset before an update is left pending. */
    maxRateLimitWaitSec: z.number().int().min(0).max(3600).default(60),
    /** Retries after the first attempt for transient failures. */
    retries: z.number().int().min(0).max(10).default(3),
  })
  .strict();

export type GitHubConfig = z.infer<typeof GitHubConfigSchema>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export function parseRepoSlug(slug: string): RepoRef {
  const parsed = RepoSlugSchema.safeParse(slug);
  if (!parsed.success) {
    throw usageError(
      'GITHUB_REPO_INVALID',
      `"${slug}" is not a GitHub repository`,
      'write the repository as owner/name, e.g. marin-community/marin',
    );
  }
  const [owner, repo] = slug.split('/');
  return { owner, repo };
}

/** `--github-api` wins over the config; both fall back to api.github.com. */
export function resolveApiUrl(flag?: string, config?: Pick<GitHubConfig, 'apiUrl'>): string {
  const chosen = flag ?? config?.apiUrl ?? DEFAULT_GITHUB_API;
  const parsed = z.url({ protocol: /^https?$/ }).safeParse(chosen);
  if (!parsed.success) {
    throw usageError(
      'GITHUB_API_URL_INVALID',
      `"${chosen}" is not an http(s) URL`,
      'pass --github-api https://<host>/api/v3 for GitHub Enterprise, or omit it for github.com',
    );
  }
  return chosen.replace(/\/+$/, '');
}

/**
 * The API the token may be sent to. runlog.config.yaml arrives through git,
 * so an `apiUrl` there other than github.com's is only a proposal: the token
 * goes to it once this machine has named the same URL itself, with
 * `--github-api` or `git config runlog.githubApi` (kept in the clone's
 * .git/config or the user's own git config, never committed). Otherwise a
 * pushed config could send every teammate's token to a host of its choosing.
 */
export function trustedApiUrl(
  flag: string | undefined,
  config: Pick<GitHubConfig, 'apiUrl'> | undefined,
  confirmed: string | undefined,
): string {
  if (flag !== undefined) return resolveApiUrl(flag);
  const chosen = resolveApiUrl(undefined, config);
  if (chosen === DEFAULT_GITHUB_API || (confirmed !== undefined && confirmed.trim().replace(/\/+$/, '') === chosen))
    return chosen;
  const host = new URL(chosen).host;
  throw usageError(
    'GITHUB_API_UNTRUSTED',
    `runlog.config.yaml (github.apiUrl) would send your GitHub token to ${host}, which this machine has not confirmed`,
    `if ${chosen} is your GitHub Enterprise API, confirm it on this machine once: \`git config runlog.githubApi ${chosen}\` (or pass --github-api ${chosen}); otherwise remove github.apiUrl from the config`,
  );
}
