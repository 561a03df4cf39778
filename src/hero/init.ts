/**
 * `runlog hero init`: the logbook and the issue, both before any launch, so
 * the first launch already has a place to report to. GitHub is asked first,
 * so the issue URL goes into the logbook's first commit and the logbook
 * path into the issue body; a GitHub failure here changes nothing.
 */
import { failed, usageError, type RunlogError } from '../core/errors.js';
import type { Ledger } from '../git/ledger-repo.js';
import type { HeroInitArgs, HeroInitResult } from '../ledger/ops/logbook.js';
import type { NewArgs } from '../ledger/ops/record.js';
import { resolveRun } from '../ledger/read/runs.js';
import { loadTemplate, renderTemplate } from '../ledger/templates.js';
import { scrub } from '../core/scrub/scrub.js';
import { dateOnly } from '../core/time.js';
import { eventId } from './mirror-policy.js';
import { logbookPath, validateRunSlug } from '../ledger/read/logbooks.js';
import { githubConfig, openMirror, parseIssue } from './logbook-mirror.js';
import { commit } from '../ledger/commit.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface HeroInitOptions {
  slug: string;
  dri: string;
  goal: string;
  finalStep: number;
  retention: string;
  outputRoot: string;
  stopCriteria?: string;
  wandb?: string;
  cadence: string;
  /** Adopt this issue (URL, owner/repo#n or n). */
  issue?: string;
  /** Create "Hero run: <slug>" (or adopt the open one with that title). */
  createIssue: boolean;
  labels?: string[];
  /** Link an existing run log instead of creating `<date>_<slug>`. */
  runLog?: string;
  runType: NewArgs['type'];
  group?: string;
  apiUrl?: string;
  env?: NodeJS.ProcessEnv;
  at: Date;
  push: boolean;
}

export interface HeroInitOutcome extends HeroInitResult {
  issue: {
    url: string;
    number: number;
    repo: string;
    status: 'created' | 'adopted';
    bodyLink: 'linked' | 'already_linked' | 'pending';
    pendingReason?: string;
  } | null;
  commit: string | null;
  pushed: boolean;
  pushError?: RunlogError;
}

/** A pinned output root is explicit and absolute: a path or a URI (gs://, s3://). */
export function assertPinnedOutputRoot(root: string, flag = '--output-root'): string {
  const r = root.trim();
  if (!(r.startsWith('/') || /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(r))) {
    throw usageError(
      'OUTPUT_ROOT_NOT_PINNED',
      `${flag} ${JSON.stringify(root)} is not a pinned output root`,
      `hero runs need an explicit absolute path or URI (e.g. ${flag} /scratch/$USER/<run> or gs://bucket/<run>), never an auto-derived one`,
    );
  }
  return r;
}

export async function heroInit(ledger: Ledger, o: HeroInitOptions): Promise<HeroInitOutcome> {
  const slug = validateRunSlug(o.slug);
  const path = logbookPath(slug);
  if (existsSync(join(ledger.root, path))) {
    throw failed(
      'LOGBOOK_EXISTS',
      `${path} already exists`,
      `use it: \`runlog hero event ${slug} …\` or \`runlog hero launch ${slug} …\`; pick another run name for a new run`,
    );
  }
  const outputRoot = assertPinnedOutputRoot(o.outputRoot);
  if (!Number.isSafeInteger(o.finalStep) || o.finalStep <= 0)
    throw usageError(
      'BAD_FLAG',
      `--final-step ${o.finalStep} is not a positive step`,
      'pass the final training step from the launched config, e.g. --final-step 120000',
    );
  for (const [flag, v] of [
    ['--dri', o.dri],
    ['--goal', o.goal],
    ['--retention', o.retention],
  ] as const) {
    if (v.trim() === '')
      throw usageError('BAD_FLAG', `${flag} is empty`, `hero runs must state ${flag.slice(2)} before launch`);
  }
  if (o.issue && o.createIssue)
    throw usageError(
      'BAD_FLAG',
      '--issue and --create-issue cannot both be given',
      'adopt an issue with --issue, or create one with --create-issue',
    );

  const runLog: HeroInitArgs['runLog'] = o.runLog
    ? (() => {
        const r = resolveRun(ledger.root, ledger.config.runs_dir, o.runLog);
        return { link: r.id, path: r.path };
      })()
    : {
        create: {
          task: slug,
          type: o.runType,
          objective: o.goal,
          group: o.group,
          settings: [],
          date: dateOnly(o.at),
          at: o.at.toISOString(),
        },
      };

  const issue = o.issue || o.createIssue ? await openIssue(ledger, o, slug, path, outputRoot) : null;
  const args: HeroInitArgs = {
    slug,
    path,
    at: o.at.toISOString(),
    dri: o.dri,
    goal: o.goal,
    stopCriteria:
      o.stopCriteria ??
      'NaN/Inf, sustained loss spike, repeated same-step failures, throughput collapse; escalate to the DRI',
    finalStep: o.finalStep,
    retention: o.retention,
    outputRoot,
    wandb: o.wandb ?? 'not set yet (set at launch)',
    cadence: o.cadence,
    issueUrl: issue?.url ?? null,
    eventId: eventId(slug, o.at, 'hero-init'),
    runLog,
  };
  const tx = await commit<HeroInitResult>(
    ledger,
    { kind: 'hero-init', run: slug, args: args as unknown as Record<string, unknown> },
    { push: o.push },
  );
  return {
    ...tx.result,
    issue,
    commit: tx.commit,
    pushed: tx.pushed,
    ...(tx.pushError ? { pushError: tx.pushError } : {}),
  };
}

async function openIssue(
  ledger: Ledger,
  o: HeroInitOptions,
  slug: string,
  path: string,
  outputRoot: string,
): Promise<NonNullable<HeroInitOutcome['issue']>> {
  const { mirror, config } = await openMirror(ledger, { apiUrl: o.apiUrl, env: o.env });
  if (o.issue) {
    const ref = await parseIssue(o.issue, config?.repo);
    const repo = `${ref.owner}/${ref.repo}`;
    const linked = await mirror.linkLogbook({ repo, issueNumber: ref.number, logbookPath: path });
    if (linked.status === 'pending') {
      throw failed(
        'GITHUB_UNREACHABLE',
        `could not read ${repo}#${ref.number} to link the logbook: ${linked.reason}`,
        'nothing was written; retry when GitHub is reachable, or run without --issue and link it later',
      );
    }
    return { url: linked.issue.htmlUrl, number: linked.issue.number, repo, status: 'adopted', bodyLink: linked.status };
  }
  const gh = config ?? (await githubConfig(ledger));
  if (!gh)
    throw usageError(
      'GITHUB_REPO_MISSING',
      '--create-issue needs the repository for hero-run issues',
      'add a `github:` section with `repo: owner/name` to runlog.config.yaml, or adopt an issue with --issue <url>',
    );
  const body = scrub(
    renderTemplate(loadTemplate('hero-issue.md', { root: ledger.root, templatesDir: ledger.config.templates_dir }), {
      run: slug,
      dri: o.dri,
      goal: o.goal,
      output_root: outputRoot,
      final_step: String(o.finalStep),
      retention: o.retention,
    }),
  );
  const opened = await mirror.openHeroIssue({
    repo: gh.repo,
    run: slug,
    labels: o.labels && o.labels.length > 0 ? o.labels : gh.labels,
    body,
    logbookPath: path,
  });
  let bodyLink: 'linked' | 'already_linked' | 'pending' = 'linked';
  let pendingReason: string | undefined;
  if (opened.status === 'adopted') {
    const linked = await mirror.linkLogbook({ repo: gh.repo, issueNumber: opened.issue.number, logbookPath: path });
    bodyLink = linked.status;
    if (linked.status === 'pending') pendingReason = linked.reason;
  }
  return {
    url: opened.issue.htmlUrl,
    number: opened.issue.number,
    repo: gh.repo,
    status: opened.status,
    bodyLink,
    ...(pendingReason ? { pendingReason } : {}),
  };
}
