/**
 * Hero runs end to end: the built CLI, a real ledger with a bare remote, real
 * local jobs, and a GitHub API on loopback that checks every call against
 * GitHub's OpenAPI description. A run is opened, launched, babysat through an
 * injected loss spike, a NaN, a crash and a relaunch; every event must be in
 * the logbook, in git on the remote, and once on the issue.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogbookDoc } from '../../src/markdown/logbook.js';
import {
  BabysitOutput,
  ErrorOutput,
  HeroEventOutput,
  HeroInitOutput,
  HeroLaunchOutput,
  SyncOutput,
} from '../../src/schemas/output.js';
import { startGitHubServer, type FakeGitHub } from '../support/github-server.js';
import {
  fileAt,
  git,
  logSubjects,
  makeLedger,
  runlog,
  waitFor,
  type CliResult,
  type TempLedger,
} from '../support/ledger.js';

const REPO = 'octo-org/hello';
const FIXTURES = join(import.meta.dirname, '../fixtures/logbooks');

let L: TempLedger;
let gh: FakeGitHub;
let dir: string;

async function commitAll(message: string): Promise<void> {
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', message]);
  await git(dir, ['push', '-q', 'origin', 'main']);
}

function configure(extra = ''): void {
  const path = join(dir, 'runlog.config.yaml');
  writeFileSync(
    path,
    `${readFileSync(path, 'utf8')}github:\n  repo: ${REPO}\n  apiUrl: ${gh.url}\n  maxRateLimitWaitSec: 0\n  retries: 1\ndetectors:\n  warmupSteps: 5\n${extra}`,
  );
  // The config arrives through git: this machine confirms the API it may send the token to.
  execFileSync('git', ['config', 'runlog.githubApi', gh.url], { cwd: dir });
}

const cli = (args: string[], env: Record<string, string> = {}) =>
  runlog(dir, args, { env: { GH_TOKEN: gh.token, ...env }, timeoutMs: 60_000 });
async function ok(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await cli(args, env);
  if (r.code !== 0)
    throw new Error(`runlog ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
const logbook = (slug: string) => readFileSync(join(dir, '.agents/logbooks', `${slug}.md`), 'utf8');
const remoteLogbook = (slug: string) => fileAt(L.remote, 'main', `.agents/logbooks/${slug}.md`);
const issueComments = (n = 1) => gh.comments(n, REPO).map((c) => String(c.body));

beforeEach(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
  L = await makeLedger({ prefix: 'runlog-hero-' });
  dir = L.main;
});
afterEach(async () => {
  await gh.stop();
  expect(gh.violations).toEqual([]);
  L.cleanup();
});

describe('hero run: open, launch, babysit, relaunch', () => {
  it('records every event in the logbook, on the remote, and once on the issue', async () => {
    configure();
    const out = join(L.base, 'out');
    const gates = join(L.base, 'gates');
    mkdirSync(gates);
    copyFileSync(join(FIXTURES, 'train-anomalies.mjs'), join(dir, 'train.mjs'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trainer: { num_train_steps: 60, batch_size: 8 } }));
    await commitAll('training code');

    // Open: logbook + issue, linked both ways, committed and pushed before any launch.
    const init = HeroInitOutput.parse(
      (
        await ok([
          'hero',
          'init',
          'demo',
          '--create-issue',
          '--dri',
          'alice',
          '--goal',
          'test the babysitter',
          '--final-step',
          '60',
          '--retention',
          'keep last 10 + final',
          '--output-root',
          out,
          '--json',
        ])
      ).json,
    );
    expect(init.issue).toMatchObject({ number: 1, status: 'created', bodyLink: 'linked' });
    expect(gh.issues[0]!.data.title).toBe('Hero run: demo');
    expect((gh.issues[0]!.data.labels as { name: string }[]).map((l) => l.name)).toEqual([
      'experiment',
      'agent-generated',
    ]);
    expect(String(gh.issues[0]!.data.body)).toContain('.agents/logbooks/demo.md');
    const opened = new LogbookDoc(logbook('demo'), 'demo.md');
    expect(opened.issue).toBe(init.issue!.url);
    expect(opened.contract['Issue']).toBe(init.issue!.url);
    expect(await logSubjects(L.remote, 'main')).toContain('demo: start hero-run logbook');

    // Launch through the executor; the checklist says where each value came from.
    const cmd = ['node', 'train.mjs', '--config', 'config.json', '--out', out, '--gates', gates];
    const launch = HeroLaunchOutput.parse(
      (await ok(['hero', 'launch', 'demo', '--config', 'config.json', '--json', '--', ...cmd])).json,
    );
    expect(launch.relaunch).toBe(false);
    expect(launch.checklist.find((i) => i.item === 'Final step')).toMatchObject({ source: 'config', ok: true });
    expect(launch.checklist.find((i) => i.item === 'Final step')!.value).toContain('trainer.num_train_steps');
    expect(launch.checklist.find((i) => i.item === 'Source bundle/container')!.source).toBe('inferred');
    expect(launch.submitted).toMatchObject({ executor: 'local' });
    expect(launch.mirror).toBe('posted');
    const instance = new LogbookDoc(logbook('demo'), 'demo.md').instances[0]!;
    expect(instance.fields['Command']).toBe(`\`${cmd.join(' ')}\``);
    expect(instance.fields['Source bundle/container']).toContain('(inferred)');
    expect(instance.fields['Output root']).toBe(`\`${out}\``);
    const outputLog = launch.submitted!.outputPath;
    await waitFor(() => existsSync(outputLog) && readFileSync(outputLog, 'utf8').includes('phase: spike printed'), {
      timeoutMs: 20_000,
      what: 'the loss spike in the output',
    });

    const cycle = async () => BabysitOutput.parse((await ok(['babysit', 'demo', '--once', '--json'])).json).cycles[0]!;
    const spike = await cycle();
    expect(spike.title).toMatch(/Loss has been more than 50% above trend/);
    expect(spike.health).toBe('run_unhealthy');
    expect(spike.mirror).toBe('posted');

    // Re-running the cycle adds nothing: no entry, no commit, no comment.
    const head = await git(dir, ['rev-parse', 'HEAD']);
    const again = await cycle();
    expect(again.written).toBe(false);
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(head);

    writeFileSync(join(gates, 'gate-nan'), '');
    await waitFor(() => readFileSync(outputLog, 'utf8').includes('phase: nan printed'), {
      timeoutMs: 20_000,
      what: 'the NaN',
    });
    const nan = await cycle();
    expect(nan.title).toMatch(/NaN at step 41/);
    expect(nan.findings.map((f) => f.detector)).toContain('non_finite');

    writeFileSync(join(gates, 'gate-crash'), '');
    const crash = (await waitFor(
      async () => {
        const c = await cycle();
        return /crash/.test(c.title) ? c : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the crash to be seen' },
    ))!;
    expect(crash.title).toMatch(/crash — command_failed \(node_failure\) at step 41/);
    expect(crash.mirror).toBe('posted');
    const runLogPath = init.runLog!.path;
    expect(readFileSync(join(dir, runLogPath), 'utf8')).toMatch(/command_failed/);

    // A relaunch that silently changes the batch size is blocked, and writes nothing.
    writeFileSync(join(gates, 'relaunched'), '');
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trainer: { num_train_steps: 60, batch_size: 16 } }));
    await commitAll('bigger batch');
    const before = await git(dir, ['rev-parse', 'HEAD']);
    const drift = await cli(['hero', 'launch', 'demo', '--config', 'config.json', '--json', '--', ...cmd]);
    expect(drift.code).toBe(3);
    const err = ErrorOutput.parse(drift.json).error;
    expect(err.code).toBe('LAUNCH_BLOCKED');
    expect(err.message).toContain('trainer.batch_size');
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(before);

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ trainer: { num_train_steps: 60, batch_size: 8 } }));
    await commitAll('back to batch 8');
    const relaunch = HeroLaunchOutput.parse(
      (await ok(['hero', 'launch', 'demo', '--config', 'config.json', '--json', '--', ...cmd])).json,
    );
    expect(relaunch.relaunch).toBe(true);
    expect(relaunch.drift).toEqual([]);
    const done = (await waitFor(
      async () => {
        const c = await cycle();
        return /completed/.test(c.title) && c.written ? c : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the relaunch to complete' },
    ))!;
    expect(done.progress.step).toBe(60);

    // The completion entry links the run's committed chart; the issue comment shows it pinned to that commit.
    const runLogFile = init.runLog!.path;
    const chartPath = runLogFile.replace(/[^/]+\.md$/, (f) => `plots/${f.replace(/\.md$/, '.svg')}`);
    expect(readFileSync(join(dir, chartPath), 'utf8')).toMatch(
      /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox=/,
    );
    const completion = new LogbookDoc(logbook('demo'), 'demo.md').entries.find((e) => e.title === done.title)!;
    expect(completion.fields['Chart']).toBe(`![loss and throughput](../../${chartPath})`);
    const chartSha = (await git(dir, ['log', '-1', '--format=%H', '--', chartPath])).trim();
    const pinned = `${gh.url.replace(/\/$/, '')}/${REPO}/blob/${chartSha}/${chartPath}?raw=true`;
    expect(issueComments().filter((c) => c.includes(`![loss and throughput](${pinned})`))).toHaveLength(1);
    expect(await fileAt(L.remote, chartSha, chartPath)).not.toBeNull();
    // A milestone written by hand links it too.
    const manual = HeroEventOutput.parse(
      (await ok(['hero', 'event', 'demo', 'milestone: eval suite passed', '--kind', 'milestone', '--json'])).json,
    );
    expect(manual.written).toBe(true);
    expect(
      new LogbookDoc(logbook('demo'), 'demo.md').entries.find((e) => e.title === 'milestone: eval suite passed')!
        .fields['Chart'],
    ).toBe(`![loss and throughput](../../${chartPath})`);

    // Every runlog entry is in the remote's logbook; each posted one is on the issue exactly once, with 🤖 first.
    const remote = new LogbookDoc((await remoteLogbook('demo'))!, 'demo.md');
    const posted = remote.entries.filter((e) => e.mirror === 'posted');
    // A cycle that happens to see the relaunch mid-way may also post a progress milestone.
    expect(posted.map((e) => e.title).filter((t) => !/milestone/.test(t))).toEqual([
      'launch: demo instance 1',
      spike.title,
      nan.title,
      crash.title,
      'relaunch: demo instance 2 (relaunch)',
      done.title,
    ]);
    expect(remote.pending).toEqual([]);
    const comments = issueComments();
    expect(comments).toHaveLength(posted.length);
    for (const e of posted)
      expect(comments.filter((c) => c.includes(`<!-- runlog:event=${e.eventId} -->`))).toHaveLength(1);
    for (const c of comments) expect(c.startsWith('🤖')).toBe(true);
    expect(remote.instances.map((i) => i.title)).toEqual(['demo instance 1', 'demo instance 2 (relaunch)']);
    const subjects = await logSubjects(L.remote, 'main');
    expect(subjects).toEqual(
      expect.arrayContaining(['demo: start hero-run logbook', 'demo: log launch', 'demo: log relaunch']),
    );
    expect(subjects.filter((s) => s.startsWith('demo: mirror'))).toHaveLength(posted.length);
    expect(JSON.stringify(subjects) + (await remoteLogbook('demo'))).not.toContain(gh.token);
  }, 180_000); // a whole hero run with a crash and a relaunch: several CLI calls per phase

  it('blocks a launch whose lineage or code identity is unclear, and says why', async () => {
    const out = join(L.base, 'out');
    await ok([
      'hero',
      'init',
      'blocky',
      '--dri',
      'bob',
      '--goal',
      'g',
      '--final-step',
      '100',
      '--retention',
      'permanent every 1e5 steps',
      '--output-root',
      out,
    ]);
    writeFileSync(join(dir, 'train.py'), 'print(1)\n');
    await commitAll('code');
    writeFileSync(join(dir, 'train.py'), 'print(2)\n');
    const partial = join(L.base, 'ckpt', 'step-500');
    mkdirSync(partial, { recursive: true });
    const head = await git(dir, ['rev-parse', 'HEAD']);
    const r = await cli([
      'hero',
      'launch',
      'blocky',
      '--initialize-from',
      partial,
      '--output-root',
      join(L.base, 'elsewhere'),
      '--',
      'python',
      'train.py',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/error\[LAUNCH_BLOCKED\]/);
    expect(r.stderr).toMatch(/BLOCK Dirty tree: yes: train\.py/);
    expect(r.stderr).toMatch(/BLOCK Checkpoint retention: [^\n]*\n\s+→ no rollback depth/);
    expect(r.stderr).toMatch(/BLOCK initialize_from: [^\n]*\n\s+→ .*no metadata\.json/);
    expect(r.stderr).toMatch(/BLOCK Output root: [^\n]*\n\s+→ differs from the Run Contract/);
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(head);

    writeFileSync(join(partial, 'metadata.json'), '{"step": 500}');
    const dry = HeroLaunchOutput.parse(
      (
        await ok([
          'hero',
          'launch',
          'blocky',
          '--dry-run',
          '--approved-by',
          'bob',
          '--rollback-depth',
          '3',
          '--initialize-from',
          partial,
          '--json',
          '--',
          'python',
          'train.py',
        ])
      ).json,
    );
    expect(dry.blocked).toEqual([]);
    expect(dry.checklist.find((i) => i.item === 'Dirty tree')!.value).toMatch(
      /approved by bob, patch sha256 [0-9a-f]{64}/,
    );
    expect(dry.checklist.find((i) => i.item === 'initialize_from')!.value).toContain('step 500, metadata.json present');
    expect(dry.submitted).toBeNull();
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(head);
  });
});

describe('GitHub mirror from the CLI', () => {
  beforeEach(async () => {
    configure();
    await commitAll('github config');
  });

  it('adopts an issue, keeps events pending through an outage, a rate limit and a bad token, and posts each once later', async () => {
    const seeded = gh.seedIssue({ repo: REPO, title: 'Hero run: gh', body: 'Opened by a person.' });
    const init = HeroInitOutput.parse(
      (
        await ok([
          'hero',
          'init',
          'gh',
          '--issue',
          String(seeded.number),
          '--dri',
          'a',
          '--goal',
          'g',
          '--final-step',
          '10',
          '--retention',
          'keep 3',
          '--output-root',
          '/tmp/none',
          '--json',
        ])
      ).json,
    );
    expect(init.issue).toMatchObject({ status: 'adopted', bodyLink: 'linked' });
    expect(String(gh.issues[0]!.data.body)).toMatch(
      /^Opened by a person\.\n\n<!-- runlog:logbook -->\nLogbook: `\.agents\/logbooks\/gh\.md`/,
    );

    await gh.stop();
    const down = HeroEventOutput.parse(
      (await ok(['hero', 'event', 'gh', 'milestone A', '--kind', 'milestone', '--status', 'step 5', '--json'])).json,
    );
    expect(down).toMatchObject({ written: true, mirror: 'pending' });
    expect(down.pending[0]).toMatchObject({ eventId: down.eventId, code: 'GITHUB_UNREACHABLE' });
    expect(await remoteLogbook('gh')).toContain(`<!-- runlog:event=${down.eventId} mirror=pending -->`);
    const human = await ok(['hero', 'event', 'gh', 'routine note']);
    expect(human.stdout).toMatch(/PENDING .*GITHUB_UNREACHABLE/);
    await gh.start();

    const synced = SyncOutput.parse((await ok(['sync', '--json'])).json);
    expect((synced as { mirror?: { posted: { eventId: string }[] } }).mirror?.posted.map((x) => x.eventId)).toEqual([
      down.eventId,
    ]);
    expect(issueComments(seeded.number as number)).toHaveLength(1);
    expect(new LogbookDoc(logbook('gh'), 'gh.md').pending).toEqual([]);
    await ok(['sync']);
    expect(issueComments(seeded.number as number)).toHaveLength(1);

    // Long enough that a CLI start under a loaded machine still meets the limit.
    gh.rateLimit({ remaining: 0, resetInSec: 5 });
    const limitedAt = Date.now();
    const limited = HeroEventOutput.parse(
      (await ok(['hero', 'event', 'gh', 'loss spike', '--kind', 'anomaly', '--json'])).json,
    );
    expect(limited.pending[0]).toMatchObject({ code: 'GITHUB_RATE_LIMITED' });
    expect(limited.pending[0]!.retryAt).toMatch(/^\d{4}-/);

    await waitFor(() => Date.now() > limitedAt + 6500, { what: 'the rate-limit window to pass' });
    const badToken = HeroEventOutput.parse(
      (
        await ok(['hero', 'event', 'gh', 'escalate to DRI', '--kind', 'escalation', '--json'], {
          GH_TOKEN: 'ghp_wrong',
        })
      ).json,
    );
    expect(badToken.pending.map((p) => p.code)).toContain('GITHUB_AUTH');
    const noToken = await ok(['hero', 'event', 'gh', 'retention changed', '--kind', 'retention'], {
      GH_TOKEN: '',
      GITHUB_TOKEN: '',
    });
    expect(noToken.stdout).toMatch(/GITHUB_TOKEN_MISSING/);
    expect(noToken.stdout).toMatch(/gh auth login/);

    // A crash after the comment landed but before the logbook said so: the next pass finds the marker and does not post again.
    const pendingIds = new LogbookDoc(logbook('gh'), 'gh.md').pending.map((e) => e.eventId!);
    expect(pendingIds).toHaveLength(3);
    gh.seedComment(seeded.number as number, `🤖 posted before a crash\n\n<!-- runlog:event=${pendingIds[0]} -->`, REPO);
    // While anything is still pending sync says so and exits 5; once all is posted it exits 0.
    await waitFor(
      async () => {
        const r = await cli(['sync', '--json']);
        const s = SyncOutput.parse(r.json) as { mirror?: { pending: unknown[] } };
        expect(r.code).toBe(s.mirror?.pending.length === 0 ? 0 : 5);
        return r.code === 0;
      },
      { timeoutMs: 15_000, intervalMs: 300, what: 'the rate limit to reset and sync to post' },
    );
    const comments = issueComments(seeded.number as number);
    expect(comments).toHaveLength(4);
    for (const id of pendingIds)
      expect(comments.filter((c) => c.includes(`<!-- runlog:event=${id} -->`))).toHaveLength(1);
    const all = (await remoteLogbook('gh'))!;
    expect(new LogbookDoc(all, 'gh.md').pending).toEqual([]);
    expect(all).not.toContain(gh.token);
    expect(all).not.toContain('ghp_wrong');
  });

  it('hero init changes nothing when GitHub says no: 404 issue, 422 create, no token, an API this machine never confirmed', async () => {
    const head = await git(dir, ['rev-parse', 'HEAD']);
    // A github.apiUrl that came through git alone never receives the token.
    await git(dir, ['config', '--unset', 'runlog.githubApi']);
    const unconfirmed = await cli([
      'hero',
      'init',
      'x',
      '--create-issue',
      '--dri',
      'a',
      '--goal',
      'g',
      '--final-step',
      '1',
      '--retention',
      'keep 1',
      '--output-root',
      '/tmp/x',
    ]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/error\[GITHUB_API_UNTRUSTED\]: .*127\.0\.0\.1/);
    expect(unconfirmed.stderr).toMatch(/hint: .*git config runlog\.githubApi /);
    expect(gh.requests).toHaveLength(0);
    await git(dir, ['config', 'runlog.githubApi', gh.url]);
    const missing = await cli([
      'hero',
      'init',
      'x',
      '--issue',
      '999',
      '--dri',
      'a',
      '--goal',
      'g',
      '--final-step',
      '1',
      '--retention',
      'keep 1',
      '--output-root',
      '/tmp/x',
      '--json',
    ]);
    expect(missing.code).toBe(4);
    expect(ErrorOutput.parse(missing.json).error.code).toBe('GITHUB_NOT_FOUND');

    gh.failNext(1, { status: 422, method: 'POST', message: 'Validation Failed' });
    const invalid = await cli([
      'hero',
      'init',
      'x',
      '--create-issue',
      '--dri',
      'a',
      '--goal',
      'g',
      '--final-step',
      '1',
      '--retention',
      'keep 1',
      '--output-root',
      '/tmp/x',
      '--json',
    ]);
    expect(invalid.code).toBe(1);
    expect(ErrorOutput.parse(invalid.json).error.code).toBe('GITHUB_INVALID');

    const noToken = await cli(
      [
        'hero',
        'init',
        'x',
        '--create-issue',
        '--dri',
        'a',
        '--goal',
        'g',
        '--final-step',
        '1',
        '--retention',
        'keep 1',
        '--output-root',
        '/tmp/x',
      ],
      { GH_TOKEN: '', GITHUB_TOKEN: '' },
    );
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/error\[GITHUB_TOKEN_MISSING\]/);
    expect(noToken.stderr).toMatch(/hint: export GH_TOKEN=/);

    const relative = await cli([
      'hero',
      'init',
      'x',
      '--dri',
      'a',
      '--goal',
      'g',
      '--final-step',
      '1',
      '--retention',
      'keep 1',
      '--output-root',
      'out/x',
    ]);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toMatch(/OUTPUT_ROOT_NOT_PINNED/);
    expect(existsSync(join(dir, '.agents/logbooks/x.md'))).toBe(false);
    expect(await git(dir, ['rev-parse', 'HEAD'])).toBe(head);
    expect(gh.issues).toHaveLength(0);
  });
});

describe('logbooks people already keep', () => {
  it('adds events to a task logbook and a prepend-ordered one in their own style, touching no other byte', async () => {
    mkdirSync(join(dir, '.agents/logbooks'), { recursive: true });
    const task = readFileSync(join(FIXTURES, 'task-pdt.md'), 'utf8');
    const prepend = readFileSync(join(FIXTURES, 'hero-prepend.md'), 'utf8');
    writeFileSync(join(dir, '.agents/logbooks/router-collapse.md'), task);
    writeFileSync(join(dir, '.agents/logbooks/prepend-run.md'), prepend);
    await commitAll('hand-kept logbooks');

    const e = HeroEventOutput.parse(
      (
        await ok([
          'hero',
          'event',
          'router-collapse',
          'third probe',
          '--status',
          'done',
          '--next',
          'write it up',
          '--at',
          '2026-04-03T12:34:00Z',
          '--json',
        ])
      ).json,
    );
    expect(e.mirror).toBe('none');
    const after = logbook('router-collapse');
    expect(after.startsWith(task)).toBe(true);
    expect(after.slice(task.length)).toBe(
      `\n### 2026-04-03 05:34 PDT - third probe\n- Status: done\n- Next action: write it up\n<!-- runlog:event=${e.eventId} mirror=none -->\n`,
    );

    const p = HeroEventOutput.parse(
      (await ok(['hero', 'event', 'prepend-run', 'checked', '--no-post', '--at', '2026-04-03T09:00:00Z', '--json']))
        .json,
    );
    const newer = logbook('prepend-run');
    const at = prepend.indexOf('### 2026-04-02 08:00 UTC');
    const inserted = `### 2026-04-03 09:00 UTC — checked\n<!-- runlog:event=${p.eventId} mirror=none -->\n\n`;
    expect(newer).toBe(prepend.slice(0, at) + inserted + prepend.slice(at));

    // Babysitting a hand-kept logbook: no run log, the output log named by hand.
    const log = join(L.base, 'probe.out');
    writeFileSync(
      log,
      Array.from({ length: 20 }, (_, i) => `step=${i + 1} loss=${(2 + 1 / (i + 1)).toFixed(4)}`).join('\n'),
    );
    const b = BabysitOutput.parse((await ok(['babysit', 'router-collapse', '--once', '--log', log, '--json'])).json);
    expect(b.cycles[0]).toMatchObject({ written: true, job: null, health: 'ok' });
    expect(b.cycles[0]!.progress.step).toBe(20);
    const last = new LogbookDoc(logbook('router-collapse'), 'x.md').entries.at(-1)!;
    expect(last.title).toBe('babysit check: not tracked, step 20');
    expect(Object.keys(last.fields)).toContain('Next action');
    expect(await logSubjects(L.remote, 'main')).toEqual(
      expect.arrayContaining([
        'router-collapse: log event',
        'prepend-run: log event',
        'router-collapse: log babysit check',
      ]),
    );
  });
});
