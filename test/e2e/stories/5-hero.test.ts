/**
 * Story 5: an expensive run. The logbook and its issue are opened, the job
 * is launched into the pinned output root, babysat to completion through a
 * GitHub outage, the posts GitHub missed are flushed by `sync`, and the
 * finished run is passported, signed and sealed. The GitHub stand-in checks
 * every call against GitHub's published API description.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startGitHubServer, type FakeGitHub } from '../../support/github-server.js';
import { git } from '../../support/ledger.js';
import {
  expectAllPushed,
  expectIndexesCurrent,
  plain,
  remoteFile,
  remoteTags,
  show,
  story,
  type Story,
} from './support.js';

const REPO = 'octo-org/hello';
let s: Story;
let gh: FakeGitHub;

beforeEach(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
});
afterEach(async () => {
  await gh.stop();
  expect(gh.violations).toEqual([]);
  s?.cleanup();
});

interface Pending {
  eventId: string;
  code: string;
}
interface SyncJson {
  pending: number;
  mirror: { posted: { eventId: string }[]; pending: Pending[] };
}

it('hero: init → launch into the pinned root → babysit through an outage → completion → sync → seal', async () => {
  s = await story('hero', {
    trainScript: true,
    config: `github:\n  repo: ${REPO}\n  apiUrl: ${gh.url}\n  maxRateLimitWaitSec: 0\n  retries: 0\n`,
  });
  // The config names the API; this machine confirms it once, as a GitHub Enterprise user would.
  await git(s.dir, ['config', 'runlog.githubApi', gh.url]);
  const env = { GH_TOKEN: gh.token };
  const root = join(s.l.base, 'pinned', 'big-run');

  const init = (
    await s.ok(
      [
        'hero',
        'init',
        'big-run',
        '--create-issue',
        '--dri',
        'alice',
        '--goal',
        'the story',
        '--final-step',
        '30',
        '--retention',
        'keep last 10 + final',
        '--output-root',
        root,
        '--json',
      ],
      env,
    )
  ).json as {
    runLog: { id: string };
    issue: { number: number };
  };
  const id = init.runLog.id;
  expect(gh.issues).toHaveLength(1);

  const launch = (
    await s.ok(
      [
        'hero',
        'launch',
        'big-run',
        '--rollback-depth',
        '3',
        '--json',
        '--',
        'node',
        'train.mjs',
        '--steps',
        '30',
        '--sleep-ms',
        '60',
        '--ckpt-every',
        '10',
      ],
      env,
    )
  ).json as {
    submitted: { outputPath: string };
  };
  // The job writes under the pinned root, and the Job block says so.
  expect(launch.submitted.outputPath.startsWith(`${root}/`)).toBe(true);
  let shown = await show(s, id);
  const job = shown.jobs.at(-1)!.fields;
  expect(plain(job['output_dir']).startsWith(`${root}/`)).toBe(true);
  expect(plain(job['env_vars'])).toContain(`RUNLOG_OUTPUT_DIR=${plain(job['output_dir'])}`);
  // The template's "submit the job" line is gone as soon as the job is launched.
  expect(shown.next.join('\n')).not.toMatch(/submit the job/);

  // GitHub goes down; babysitting carries on and keeps what it could not post.
  await gh.stop();
  const sat = await s.cli(['babysit', 'big-run', '--every', '1s', '--max-cycles', '120', '--json'], env);
  expect(sat.code, sat.stderr).toBe(0);
  const babysat = sat.json as { cycles: { at: string; title: string; health: string }[]; pending: Pending[] };
  expect(babysat.cycles.at(-1)!.title).toMatch(/completed at step 30/);
  expect(babysat.pending.length).toBeGreaterThan(0);
  const logbook = readFileSync(join(s.dir, '.agents/logbooks/big-run.md'), 'utf8');
  // A cadence under a minute is written with seconds.
  expect(logbook).toMatch(/^### \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC - babysit: completed at step 30/m);

  // Completion recorded the newest complete checkpoint under the pinned root.
  shown = await show(s, id);
  expect(shown.state).toBe('completed');
  const ckpt = plain(shown.results?.['checkpoint']).replace(/ \(found under .*\)$/, '');
  expect(ckpt.startsWith(`${root}/`)).toBe(true);
  expect(ckpt).toMatch(/step-30$/);
  expect(plain(shown.results?.['checkpoint'])).toMatch(/\(found under .*\)$/);
  expect(shown.results?.['loss_one_liner']).not.toMatch(/exit\.json/);
  // A finished hero run goes to passport, signoff and seal, not to another resume.
  expect(shown.next[0]).toContain('runlog ckpt passport');
  expect(shown.next.join('\n')).not.toMatch(/runlog resume/);

  // Babysitting a finished run never reports its monitor stale.
  const after = await s.cli(['babysit', 'big-run', '--every', '1s', '--max-cycles', '2', '--json'], env);
  expect(after.code, after.stderr).toBe(0);
  expect(readFileSync(join(s.dir, '.agents/logbooks/big-run.md'), 'utf8')).not.toMatch(/monitor stale/i);

  // While GitHub is down, sync says what is still pending and does not claim success.
  const down = await s.cli(['sync', '--json'], env);
  expect(down.code).toBe(5);
  const downJson = down.json as SyncJson;
  expect(downJson.mirror.pending.length).toBeGreaterThan(0);
  expect(downJson.mirror.pending.every((p) => p.code === 'GITHUB_UNREACHABLE')).toBe(true);

  await gh.start();
  const synced = await s.cli(['sync', '--json'], env);
  expect(synced.code, synced.stderr).toBe(0);
  const syncJson = synced.json as SyncJson;
  expect(syncJson.mirror.pending).toEqual([]);
  expect(syncJson.mirror.posted.map((p) => p.eventId).sort()).toEqual(
    downJson.mirror.pending.map((p) => p.eventId).sort(),
  );
  const comments = gh.comments(init.issue.number, REPO).map((c) => String(c.body));
  expect(comments.some((c) => /completed at step 30/.test(c))).toBe(true);
  for (const c of comments) expect(c.startsWith('🤖')).toBe(true);
  // Nothing is posted twice.
  expect((await s.ok(['sync', '--json'], env)).json).toMatchObject({ mirror: { posted: [], pending: [] } });
  expect(gh.comments(init.issue.number, REPO)).toHaveLength(comments.length);

  await s.ok(['ckpt', 'passport', ckpt]);
  await s.ok(['ckpt', 'signoff', ckpt, '--verdict', 'pass', '--by', 'alice']);
  const seal = await s.ok(['seal', id, '--json'], env);
  expect(seal.json as { tag: string; tagPushed: boolean }).toMatchObject({ tag: `seal/${id}`, tagPushed: true });
  expect(await remoteTags(s)).toContain(`seal/${id}`);
  expect(await remoteFile(s, '.agents/logbooks/big-run.md')).not.toContain('mirror=pending');
  await expectIndexesCurrent(s);
  await expectAllPushed(s);
});

it('hero link adopts an issue for an existing logbook, and sync posts its updates without a github: section', async () => {
  s = await story('hero-link');
  const env = { GH_TOKEN: gh.token };
  const create = await s.cli(
    [
      'hero',
      'init',
      'small',
      '--create-issue',
      '--dri',
      'bob',
      '--goal',
      'g',
      '--final-step',
      '10',
      '--retention',
      'keep 3',
      '--output-root',
      join(s.l.base, 'out'),
    ],
    env,
  );
  expect(create.code).toBe(2);
  expect(create.stderr).toMatch(/^error\[GITHUB_REPO_MISSING\]/m);
  expect(create.stderr).not.toContain('\\n');

  await s.ok(
    [
      'hero',
      'init',
      'small',
      '--dri',
      'bob',
      '--goal',
      'g',
      '--final-step',
      '10',
      '--retention',
      'keep 3',
      '--output-root',
      join(s.l.base, 'out'),
    ],
    env,
  );
  const issue = gh.seedIssue({ repo: REPO, title: 'Hero run: small', body: 'Opened by a person.' });
  const linked = await s.ok(
    ['hero', 'link', 'small', '--issue', String(issue.html_url), '--github-api', gh.url, '--json'],
    env,
  );
  expect(linked.json).toMatchObject({ slug: 'small', issue: { number: issue.number, repo: REPO } });
  expect(readFileSync(join(s.dir, '.agents/logbooks/small.md'), 'utf8')).toContain(String(issue.html_url));
  expect(String(gh.issues[0]!.data.body)).toContain('.agents/logbooks/small.md');

  await gh.stop();
  const ev = await s.ok(
    ['hero', 'event', 'small', 'first milestone', '--kind', 'milestone', '--github-api', gh.url, '--json'],
    env,
  );
  expect(ev.json).toMatchObject({ mirror: 'pending' });
  await gh.start();
  const synced = await s.cli(['sync', '--github-api', gh.url, '--json'], env);
  expect(synced.code, synced.stderr).toBe(0);
  expect((synced.json as SyncJson).mirror.posted).toHaveLength(1);
  expect(
    gh
      .comments(issue.number as number, REPO)
      .map((c) => String(c.body))
      .some((b) => b.includes('first milestone')),
  ).toBe(true);
  await expectAllPushed(s);
});
