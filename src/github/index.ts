export { GitHubClient, type GitHubClientOptions, type GitHubComment, type GitHubIssue } from './client.js';
export {
  DEFAULT_GITHUB_API,
  GitHubConfigSchema,
  RepoSlugSchema,
  parseRepoSlug,
  resolveApiUrl,
  trustedApiUrl,
  type GitHubConfig,
  type RepoRef,
} from './config.js';
export { translateGitHubError, type GitHubErrorCode, type GitHubErrorDetails } from './errors.js';
export {
  AGENT_PREFIX,
  GitHubMirror,
  eventMarker,
  formatEventComment,
  heroIssueTitle,
  parseIssueRef,
  withLogbookLink,
  type IssueRef,
  type LinkLogbookInput,
  type LinkLogbookResult,
  type OpenHeroIssueInput,
  type OpenHeroIssueResult,
  type PendingReason,
  type PostEventInput,
  type PostEventResult,
} from './mirror.js';
export { githubTokenMissing, requireGitHubToken, resolveGitHubToken, type ResolveTokenOptions } from './token.js';
