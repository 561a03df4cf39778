/**
 * `seal` is a door too: its caveats, the recorded launch command and the
 * milestone reach an annotated tag, a ref name and a commit, all pushed. The
 * corpus as a caveat leaves no secret in any of them; a milestone that looks
 * like a secret is refused before anything is tagged, and the ledger is as it was.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditOutput, ErrorOutput, SealOutput } from '../../../src/schemas/output.js';
import { makeCorpus } from '../../support/secrets-corpus.js';
import { git, makeCheckpoint, makeLedger, runLog, type TestLedger } from '../../support/artifacts.js';
import { expectNoSecrets, expectSecretlintClean, repoText } from './support.js';

const corpus = makeCorpus();
const ALL = corpus.map((c) => c.text).join('\n');
const ID = 'g/2026-03-11_train';

let L: TestLedger;
beforeAll(async () => {
  L = await makeLedger();
  await L.commitFile('train.py', 'print("train")\n');
  const sha = await git(L.root, 'rev-parse', 'HEAD');
  const out = path.join(L.dir, 'out');
  const checkpoint = await makeCheckpoint(path.join(out, 'checkpoints', '1000'));
  // The fixture's recorded command carries a token of its own; this ledger's history must hold none.
  await L.commitFile(`run_logs/${ID}.md`, runLog({ outputRoot: out, checkpoint, sha }).replace(/ --token ghp_\w+/, ''));
});
afterAll(async () => L?.cleanup());

describe('seal as a door', () => {
  it('refuses a milestone that looks like a secret before tagging anything', async () => {
    const head = await git(L.root, 'rev-parse', 'HEAD');
    const gh = corpus.find((c) => c.kind === 'github')!;
    const token = `${'gh'}p_${gh.secret}`;
    const r = await L.cli(['seal', ID, '--milestone', token, '--json']);
    expect(r.code, r.stderr).toBe(2);
    expect(ErrorOutput.parse(r.json()).error.code).toBe('SECRET_IN_NAME');
    expect(r.stdout + r.stderr).not.toContain(gh.secret);
    expect(await git(L.root, 'for-each-ref')).not.toContain(gh.secret);
    expect(await git(L.root, 'tag', '--list')).toBe('');
    expect(await git(L.remote, 'tag', '--list')).toBe('');
    expect(await git(L.root, 'rev-parse', 'HEAD')).toBe(head);
    expect(await git(L.root, 'status', '--porcelain')).toBe('');
  });

  it('puts no secret of the corpus, typed as a caveat, in the tag, the commit, the remote or its echo', async () => {
    const r = await L.cli(['seal', ID, '--caveat', ALL, '--json']);
    expect(r.code, r.stdout.slice(0, 800) + r.stderr).toBe(0);
    const res = SealOutput.parse(r.json());
    expect(res).toMatchObject({ created: true, tagPushed: true, pushed: true });
    const tag = await git(L.remote, 'tag', '-l', '--format=%(contents)', res.tag);
    expect(tag).toContain('[REDACTED:');
    const places: [string, string][] = [
      ['the tag message', tag],
      ['git log -p --all and refs of the bare remote', await repoText(L.remote)],
      ['git log -p --all and refs of the clone', await repoText(path.join(L.root, '.git'))],
      ['command output', r.stdout + r.stderr],
    ];
    for (const [where, text] of places) {
      expectNoSecrets(where, text, corpus);
      await expectSecretlintClean(where, text);
    }
    const audit = await L.cli(['audit', '--json']);
    expect(AuditOutput.parse(audit.json()).findings).toEqual([]);
  });
});
