/**
 * `runlog audit` on a ledger written by the previous version: raw secrets in
 * trailers among thousands of ordinary commits, in a tag message, on a
 * commit only a refs/runlog/* ref reaches, in a line typed while resolving
 * a merge (only the merge's combined diff shows it), and in a working file. It names
 * each (commit, where, path, kind), never the value, and exits 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutput, type AuditResult } from '../../../src/schemas/output.js';
import { git, makeLedger, newRun, runlog, testEnv, type TempLedger } from '../../support/ledger.js';
import { makeCorpus } from '../../support/secrets-corpus.js';
import { oldVersionAppend } from './old-ledger.js';
import { execFileSync } from 'node:child_process';

const corpus = makeCorpus();
const pick = (name: string) => corpus.find((c) => c.name === name)!;
const GH = pick('github classic PAT');
const STRIPE = pick('Stripe live secret key');
const AZURE = pick('Azure storage AccountKey');
const VAULT = pick('Vault service token');
const DOCKER = pick('Docker Hub PAT');
const FILLER = 1500;

let l: TempLedger;
let run: string;
const leaks: Record<string, string> = {};

/** `FILLER` ordinary commits in one git process, the way a long-lived ledger grows. */
function fillHistory(dir: string, n: number): void {
  const parent = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: dir, env: testEnv(), encoding: 'utf8' }).trim();
  let stream = '';
  for (let i = 0; i < n; i++) {
    const body = `- 2026-03-22 10:00 UTC — running, step ${i} — loss ${(1 / (i + 1)).toFixed(4)}\n`;
    const msg = `bench/filler: log status (running)\n\nRunlog-Op: {"v":1,"kind":"append","run":"filler","args":{"message":"step ${i}","metrics":{},"at":"2026-03-22T10:00:00Z","run":"filler"}}\n`;
    stream += `commit refs/heads/main\ncommitter Runlog Test <test@runlog.invalid> ${1774173600 + i} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`;
    if (i === 0) stream += `from ${parent}\n`;
    stream += `M 100644 inline run_logs/filler.md\ndata ${Buffer.byteLength(body)}\n${body}\n`;
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, env: testEnv(), input: stream });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env: testEnv() });
}

beforeAll(async () => {
  l = await makeLedger({ prefix: 'runlog-audit-' });
  run = await newRun(l.main, 'old');
  leaks['trailer'] = await oldVersionAppend(l.main, run, `pushed with ${GH.text}`);
  fillHistory(l.main, FILLER);
  leaks['late trailer'] = await oldVersionAppend(l.main, run, STRIPE.text, '2026-03-22T13:00:00.000Z');
  await git(l.main, ['tag', '-a', 'seal/old', '-m', `seal old\nlaunch command: ${VAULT.text}`]);
  // A commit that only a refs/runlog/* ref reaches (what a replay keeps aside).
  const aside = (
    await git(l.main, ['commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', `kept aside\n\n${AZURE.text}`])
  ).trim();
  await git(l.main, ['update-ref', 'refs/runlog/replayed/1-1', aside]);
  leaks['aside'] = aside;
  // A merge whose resolution added a line neither parent had.
  await git(l.main, ['checkout', '-q', '-b', 'side', 'HEAD~1']);
  writeFileSync(join(l.main, 'side.txt'), 'from the side branch\n');
  await git(l.main, ['add', 'side.txt']);
  await git(l.main, ['commit', '-q', '-m', 'side work']);
  await git(l.main, ['checkout', '-q', 'main']);
  await git(l.main, ['merge', '-q', '--no-ff', '--no-commit', 'side']);
  writeFileSync(join(l.main, 'side.txt'), `from the side branch\nmerged with ${DOCKER.text}\n`);
  await git(l.main, ['add', 'side.txt']);
  await git(l.main, ['commit', '-q', '-m', 'merge side']);
  leaks['merge'] = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
  writeFileSync(join(l.main, 'side.txt'), 'from the side branch\n');
  await git(l.main, ['commit', '-q', '-am', 'clean up the merge']);
  writeFileSync(join(l.main, 'notes.txt'), `scratch: ${GH.text}\n`);
});
afterAll(() => l?.cleanup());

describe('runlog audit', () => {
  let report: AuditResult;
  let human: string;

  it('exits 1 and names each leak by commit, place and kind', async () => {
    const r = await runlog(l.main, ['audit', '--json'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    report = AuditOutput.parse(r.json);
    expect(report.clean).toBe(false);
    expect(report.scanned.commits).toBeGreaterThanOrEqual(FILLER + 4);
    const has = (f: Partial<AuditResult['findings'][number]>) =>
      expect(report.findings).toContainEqual(expect.objectContaining(f));
    has({ where: 'trailer', commit: leaks['trailer'], kind: 'github' });
    has({ where: 'trailer', commit: leaks['late trailer'], kind: 'stripe' });
    has({ where: 'tag', ref: 'refs/tags/seal/old', kind: 'vault' });
    has({ where: 'message', commit: leaks['aside'], kind: 'azure' });
    has({ where: 'file', path: 'notes.txt', kind: 'github' });
    has({ where: 'diff', commit: leaks['merge'], path: 'side.txt', kind: 'docker' });
    // The redacted file lines, the 1500 ordinary commits and the merge's lines from its parents are not findings.
    expect(report.findings).toHaveLength(6);
  });

  it('never prints a value, in either mode', async () => {
    const r = await runlog(l.main, ['audit'], { timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    human = `${r.stdout}\n${r.stderr}`;
    expect(human).toContain(leaks['trailer']!.slice(0, 12));
    expect(human).toMatch(/Runlog-Op trailer/);
    for (const c of [GH, STRIPE, AZURE, VAULT, DOCKER]) {
      expect(human).not.toContain(c.secret);
      expect(JSON.stringify(report)).not.toContain(c.secret);
    }
  });
});
