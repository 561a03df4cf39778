import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCheckpoint } from '../../../src/preflight/checkpoint.js';
import { checkConfig } from '../../../src/preflight/config-file.js';
import { inspectTree, ledgerExcludes } from '../../../src/preflight/git-tree.js';
import { decidePlacement } from '../../../src/preflight/policy.js';
import { checkScript, scriptOf } from '../../../src/preflight/script.js';

let dir: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runlog-preflight-'));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@t');
  git('config', 'user.name', 't');
  writeFileSync(join(dir, 'train.py'), 'print(1)\n');
  mkdirSync(join(dir, 'run_logs'));
  writeFileSync(join(dir, 'run_logs', 'a.md'), '# a\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('script', () => {
  it('is the first program-looking argument, not the interpreter', () => {
    expect(scriptOf(['python3', '-u', 'train.py', '--lr', '1'])).toBe('train.py');
    expect(scriptOf(['./run.sh'])).toBe('./run.sh');
    expect(scriptOf(['echo', 'hi'])).toBeUndefined();
    expect(scriptOf(['python', 'x.py'], 'declared.py')).toBe('declared.py');
  });

  it('must exist and be tracked at the launched commit', async () => {
    const tree = await inspectTree(dir, []);
    const git0 = { top: tree!.top, sha: tree!.sha };
    expect(await checkScript('train.py', dir, git0)).toEqual([]);
    writeFileSync(join(dir, 'new.py'), 'x\n');
    expect((await checkScript('new.py', dir, git0))[0]!.message).toMatch(/not tracked at commit/);
    expect((await checkScript('gone.py', dir, git0))[0]!.message).toMatch(/does not exist/);
  });
});

describe('dirty tree', () => {
  it('ignores the ledger records and hashes the code patch', async () => {
    writeFileSync(join(dir, 'run_logs', 'a.md'), '# a edited\n');
    const clean = await inspectTree(dir, ledgerExcludes(dir, dir, 'run_logs'));
    expect(clean!.dirtyPaths).toEqual([]);
    writeFileSync(join(dir, 'train.py'), 'print(2)\n');
    const dirty = await inspectTree(dir, ledgerExcludes(dir, dir, 'run_logs'));
    expect(dirty!.dirtyPaths).toEqual(['train.py']);
    expect(dirty!.patchSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(dirty!.patch).toContain('+print(2)');
    git('checkout', '--', '.');
  });
});

describe('config', () => {
  it('parses YAML, JSON and TOML, and names the file that does not', () => {
    writeFileSync(join(dir, 'a.yaml'), 'lr: 1\n');
    writeFileSync(join(dir, 'b.toml'), 'lr = 1\n');
    writeFileSync(join(dir, 'c.json'), '{"lr": 1}');
    writeFileSync(join(dir, 'd.json'), '{"lr": ');
    writeFileSync(join(dir, 'e.yaml'), '- just\n- a list\n');
    for (const ok of ['a.yaml', 'b.toml', 'c.json'])
      expect(checkConfig(ok, dir)).toMatchObject({ reasons: [], sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(checkConfig('d.json', dir).reasons[0]!.message).toMatch(/^config d\.json does not parse as JSON/);
    expect(checkConfig('missing.yaml', dir).reasons[0]!.message).toMatch(/cannot be read: ENOENT/);
    expect(checkConfig('e.yaml', dir).reasons).toEqual([]);
  });
});

describe('checkpoint', () => {
  it('needs metadata.json and a numeric step (never string order)', () => {
    mkdirSync(join(dir, 'ck', 'step-10000'), { recursive: true });
    writeFileSync(join(dir, 'ck', 'step-10000', 'metadata.json'), '{}');
    mkdirSync(join(dir, 'ck', 'final'), { recursive: true });
    writeFileSync(join(dir, 'ck', 'final', 'metadata.json'), '{"global_step": 9000}');
    mkdirSync(join(dir, 'ck', 'step-9'), { recursive: true });
    expect(checkCheckpoint('ck/step-10000', dir)).toMatchObject({ reasons: [], step: 10000 });
    expect(checkCheckpoint('ck/final', dir)).toMatchObject({ reasons: [], step: 9000 });
    expect(checkCheckpoint('ck/step-9', dir).reasons[0]!.message).toMatch(/incomplete: no metadata\.json/);
  });
});

describe('placement policy', () => {
  const policy = { scarce: { gpus: 1 }, lightRunTypes: ['eval', 'debug', 'pipeline'] };
  it('refuses scarce hardware to light work unless overridden, and records the decision', () => {
    const refused = decidePlacement(
      { executor: 'local', target: 'box', runType: 'experiment', subtype: 'eval sweep', resources: { gpus: 2 } },
      policy,
    );
    expect(refused.reasons[0]!.message).toMatch(/light run type "eval" asks for scarce 2 GPUs/);
    const overridden = decidePlacement(
      {
        executor: 'local',
        target: 'box',
        runType: 'pipeline',
        subtype: null,
        resources: { gpus: 1 },
        overrideReason: 'only GPU box free',
      },
      policy,
    );
    expect(overridden).toMatchObject({ reasons: [], override: 'only GPU box free' });
    expect(overridden.placement).toContain('policy overridden');
    expect(
      decidePlacement(
        { executor: 'local', target: 'box', runType: 'experiment', subtype: null, resources: { gpus: 1 } },
        policy,
      ).reasons,
    ).toEqual([]);
  });
});
