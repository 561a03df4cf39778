/**
 * No secret reaches a commit, a ref, a tag, the remote, GitHub or a
 * published file, through any door that takes text: the corpus of secret
 * shapes is typed into every such flag and argument, put on a submitted
 * command line, printed by a job whose error output becomes failure
 * evidence, and sent through the hero-run mirror to the GitHub stand-in.
 * Then everything those hold is read back: zero hits, secretlint agrees,
 * and `runlog audit` finds nothing either.
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutput } from '../../../src/schemas/output.js';
import { startGitHubServer, type FakeGitHub } from '../../support/github-server.js';
import { git, runlog, type CliResult } from '../../support/ledger.js';
import { makeCorpus } from '../../support/secrets-corpus.js';
import { jobLedger, pollUntil, type JobLedger } from '../../support/jobs.js';
import { expectNoSecrets, expectSecretlintClean, repoText } from './support.js';

const corpus = makeCorpus();
/** The whole corpus as one text: what a person pastes, line breaks and all. */
const ALL = corpus.map((c) => c.text).join('\n');
const REPO = 'octo-org/secrets';

let jl: JobLedger;
let dir: string;
let gh: FakeGitHub;
let out: string;
let leak: string;
/** Every stdout and stderr the commands printed (the --json echo included). */
const printed: string[] = [];

async function cli(args: string[], expectCode = 0): Promise<CliResult> {
  const r = await runlog(dir, args, { env: { GH_TOKEN: gh.token }, timeoutMs: 120_000 });
  printed.push(r.stdout, r.stderr);
  expect(r.code, `runlog ${args.slice(0, 2).join(' ')}: ${r.stdout.slice(0, 600)} ${r.stderr.slice(0, 400)}`).toBe(
    expectCode,
  );
  return r;
}

const id = (r: CliResult) => (r.json as { id: string }).id;

beforeAll(async () => {
  gh = await startGitHubServer({ repos: [REPO] });
  jl = await jobLedger({
    extra: `github:\n  repo: ${REPO}\n  apiUrl: ${gh.url}\n  maxRateLimitWaitSec: 0\n  retries: 1\n`,
  });
  dir = jl.dir;
  await git(dir, ['config', 'runlog.githubApi', gh.url]);
  out = mkdtempSync(join(tmpdir(), 'runlog-secrets-publish-'));
  // A job that prints the corpus and dies with secrets on its last line: that line becomes the failure
  // evidence. It lives outside the ledger: committed, it would itself put the corpus in the history.
  leak = join(out, '..', `${out.split('/').pop()}-leak.mjs`);
  writeFileSync(
    leak,
    `const all = ${JSON.stringify(ALL)};\nconsole.log('step=1 loss=0.5');\nconsole.error(all);\nconsole.error('RuntimeError: ' + all.replace(/\\s+/g, ' '));\nprocess.exit(1);\n`,
  );
});

afterAll(async () => {
  await gh?.stop();
  jl?.cleanup();
  rmSync(out, { recursive: true, force: true });
  rmSync(leak, { force: true });
});

describe('the secrets corpus through every door', () => {
  it('reaches no commit, ref, tag, remote, GitHub request, published file or --json echo', async () => {
    const newRun = (task: string, extra: string[] = []) =>
      cli([
        'new',
        task,
        '--type',
        'experiment',
        '--objective',
        ALL,
        '--setting',
        ALL,
        '--script',
        ALL,
        '--dataset',
        ALL,
        '--subtype',
        ALL,
        '--date',
        '2026-03-22',
        '--json',
        ...extra,
      ]);
    const a = id(await newRun('doors-a'));
    const b = id(await newRun('doors-b'));
    const c = id(await newRun('doors-c'));
    await cli(['append', a, ALL, '--state', 'running', '--json']);
    await cli(['append', a, ALL]);
    await cli(['complete', a, '--summary', ALL, '--checkpoint', ALL, '--json']);
    await cli(['fail', b, '--class', 'unknown', '--reason', ALL, '--json']);
    await cli(['resume', b, '--from', ALL, '--json']);
    await cli(['cancel', c, '--reason', ALL, '--json']);

    // A submitted command line: the corpus as whole words (`sh -c "<text>"`) and split as a shell would.
    // (No --script: preflight would refuse a command that is not the recorded script.)
    const job = id(
      await cli(['new', 'doors-job', '--type', 'experiment', '--objective', ALL, '--date', '2026-03-22', '--json']),
    );
    const argv = [
      'node',
      leak,
      ...corpus.map((x) => x.text),
      ...corpus.flatMap((x) => x.text.split(/\s+/).filter(Boolean)),
    ];
    await cli(['submit', job, '--retries', '0', '--json', '--', ...argv]);
    const ended = await pollUntil(dir, job, (s) => s === 'command_failed', 60_000);
    expect(ended.status.at(-1)!.message).toMatch(/RuntimeError: /);

    // A hero run: the issue it opens and the comment an event posts go through the GitHub stand-in.
    await cli([
      'hero',
      'init',
      'doors-hero',
      '--create-issue',
      '--dri',
      'alice',
      '--goal',
      ALL,
      '--final-step',
      '10',
      '--retention',
      'keep 3',
      '--output-root',
      '/tmp/none',
      '--json',
    ]);
    const event = await cli([
      'hero',
      'event',
      'doors-hero',
      ALL,
      '--kind',
      'milestone',
      '--status',
      ALL,
      '--evidence',
      ALL,
      '--decision',
      ALL,
      '--json',
    ]);
    expect((event.json as { mirror: string }).mirror).toBe('posted');

    await cli(['publish', a, '--out', out, '--json']);

    // Everything the ledger, its remote and GitHub now hold.
    const tracked = (await git(dir, ['ls-files', '-z'])).split('\0').filter(Boolean);
    const files = tracked.map((p) => `${p}:\n${readFileSync(join(dir, p), 'utf8')}`).join('\n');
    const published = ['TRAINING_LOG.md'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    const sentToGitHub = JSON.stringify(gh.requests.map((r) => r.body ?? null));
    const places: [string, string][] = [
      ['git log -p --all and refs of the clone', await repoText(join(dir, '.git'))],
      ['git log -p --all and refs of the bare remote', await repoText(jl.l.remote)],
      ['tracked files', files],
      ['published files', published],
      ['GitHub requests', sentToGitHub],
      ['command output', printed.join('\n')],
    ];
    // The doors were really used: the text reached each place, redacted.
    expect(gh.requests.filter((r) => r.method === 'POST').length).toBeGreaterThanOrEqual(2);
    for (const [where, text] of places.slice(0, 5)) expect(text, where).toContain('[REDACTED:');
    for (const [where, text] of places) {
      expectNoSecrets(where, text, corpus);
      await expectSecretlintClean(where, text);
    }

    const audit = await cli(['audit', '--json']);
    const report = AuditOutput.parse(audit.json);
    expect(report.findings).toEqual([]);
    expect(report.scanned.commits).toBeGreaterThan(10);
    // The suite's one story test: ~20 commands, a job and a hero run (36 s on a loaded 2-core machine).
  }, 180_000);
});
