/**
 * Symlinks and settings pushed through git that lead out of the repository.
 * The victim's ordinary commands refuse them with a coded error: nothing
 * outside is read into a commit, nothing outside is written or deleted.
 *
 * Each group shares one arena: after each case the attacker takes its
 * hostile content back and the victim pulls, so the next case starts from a
 * clean ledger without paying for a new one.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../../support/ledger.js';
import { arena, errorCode, expectCalm, type Arena, type Hostile } from './support.js';

let a: Arena;
/** What the attacker pushed in the current case, taken back after it. */
const pushed: string[] = [];

async function hostile(files: Record<string, Hostile>): Promise<void> {
  await git(a.attacker, ['pull', '-q', '--rebase', 'origin', 'main']);
  pushed.push(...Object.keys(files));
  await a.push(files);
}

function sharedArena(): void {
  beforeAll(async () => {
    a = await arena();
  });
  afterEach(async () => {
    if (pushed.length === 0) return;
    await git(a.attacker, ['pull', '-q', '--rebase', 'origin', 'main']);
    await a.push({}, { remove: pushed.splice(0), message: 'take the hostile content back' });
    await git(a.victim, ['pull', '-q', '--rebase', 'origin', 'main']);
  });
  afterAll(() => a.cleanup());
}

const MARK = 'PRIVATE-8d1f0c2b';

async function leaked(): Promise<boolean> {
  const remote = await git(a.l.remote, ['log', '-p', '--all']);
  const local = await git(a.victim, ['log', '-p', '--all']);
  return remote.includes(MARK) || local.includes(MARK);
}

async function head(): Promise<string> {
  return (await git(a.victim, ['rev-parse', 'HEAD'])).trim();
}

/** The victim's commit and working tree are exactly as before a refused command. */
async function expectUnchanged(before: string): Promise<void> {
  expect(await head(), 'the refused command committed').toBe(before);
  expect(await git(a.victim, ['status', '--porcelain']), 'the refused command left changes behind').toBe('');
}

describe('symlinked files under run_logs/ are refused', () => {
  sharedArena();
  for (const index of ['timeline.md', 'experiments.md']) {
    it(`a committed ${index} that links to a private file is never read or replaced`, async () => {
      await hostile({ [`run_logs/${index}`]: { link: a.privateFile } });
      expectCalm(await a.run(['sync']), 'sync');
      const outside = a.outsideHash();
      const before = await head();

      const r = await a.run(['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']);
      expectCalm(r, 'new');
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('SYMLINK_IN_LEDGER');
      expect(r.stderr).toContain(`run_logs/${index}`);
      expect(r.stderr).toMatch(/\nhint: /);
      await expectUnchanged(before);
      expect(a.outsideHash()).toBe(outside);
      expect(readFileSync(a.privateFile, 'utf8')).toBe(a.privateText);
      expect(await leaked()).toBe(false);

      // Everything that does not touch the link still works.
      expectCalm(await a.run(['list']), 'list');
      const other = await a.run([
        'new',
        `beside-${index.replace('.md', '')}`,
        '--type',
        'experiment',
        '--objective',
        'x',
        '--date',
        '2026-03-22',
        '--group',
        'fine',
      ]);
      expectCalm(other, 'new --group fine');
      expect(other.code).toBe(0);
      expect(await leaked()).toBe(false);
    });
  }

  it('a committed run log that is a symlink is refused by show, append and list', async () => {
    await hostile({
      'run_logs/2026-03-22_link.md': { link: a.privateFile },
      'run_logs/2026-03-22_inner.md': { link: 'timeline.md' },
    });
    expectCalm(await a.run(['sync']), 'sync');
    for (const args of [
      ['show', '2026-03-22_link'],
      ['append', '2026-03-22_link', 'x'],
      ['show', '2026-03-22_inner'],
    ]) {
      const r = await a.run(args);
      expectCalm(r, args.join(' '));
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stdout + r.stderr).not.toContain(MARK);
    }
    const list = await a.run(['list', '--json']);
    expectCalm(list, 'list');
    expect(list.stdout).not.toContain(MARK);
    expect(await leaked()).toBe(false);
  });

  it('a committed group folder that links outside is never written into', async () => {
    const target = join(a.outside, 'projects');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'the victim keeps this\n');
    await hostile({ 'run_logs/grp': { link: target } });
    expectCalm(await a.run(['sync']), 'sync');
    const outside = a.outsideHash();
    const before = await head();

    const r = await a.run([
      'new',
      'probe',
      '--type',
      'experiment',
      '--objective',
      'x',
      '--date',
      '2026-03-22',
      '--group',
      'grp',
    ]);
    expectCalm(r, 'new --group grp');
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('SYMLINK_IN_LEDGER');
    expect(a.outsideHash()).toBe(outside);
    await expectUnchanged(before);
    // The rebuilds of the indexes may refuse the folder too, but never write through it.
    for (const args of [['list'], ['timeline'], ['experiments']]) {
      const x = await a.run(args);
      expectCalm(x, args.join(' '));
      if (args[0] === 'list') expect(x.code, 'list').toBe(0);
    }
    expect(a.outsideHash()).toBe(outside);
  });

  it('a committed template override that links to a private file is refused', async () => {
    await hostile({ '.runlog/templates/run-log.md': { link: a.privateFile } });
    expectCalm(await a.run(['sync']), 'sync');
    const r = await a.run(['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']);
    expectCalm(r, 'new');
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('SYMLINK_IN_LEDGER');
    expect(await leaked()).toBe(false);
  });

  it('a committed output directory with a symlinked output.log never receives a job’s output', async () => {
    const id = '2026-03-22_mine';
    expectCalm(await a.run(['new', 'mine', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']), 'new');
    await hostile({ [`.runlog/outputs/${id}/attempt-1/output.log`]: { link: a.privateFile } });
    expectCalm(await a.run(['sync']), 'sync');
    const r = await a.run(['submit', id, '--allow-dirty', '--', 'node', '-e', 'console.log("job output line")']);
    expectCalm(r, 'submit');
    // Whether the launch is refused or moved to a fresh directory, the private file is untouched.
    expect(readFileSync(a.privateFile, 'utf8')).toBe(a.privateText);
    expectCalm(await a.run(['poll']), 'poll');
    expect(readFileSync(a.privateFile, 'utf8')).toBe(a.privateText);
  });
});

describe('settings that lead out of the repository are refused', () => {
  sharedArena();
  const cases: [string, (a: Arena) => string][] = [
    ['runs_dir: ../outside', () => 'runs_dir: ../outside\n'],
    ['an absolute runs_dir', (x) => `runs_dir: ${x.outside}\n`],
    ['a runs_dir that is a committed symlink to outside', () => 'runs_dir: logs\n'],
    ['templates_dir: ../outside', () => 'templates_dir: ../outside\n'],
  ];
  for (const [i, [name, setting]] of cases.entries()) {
    it(name, async () => {
      writeFileSync(join(a.outside, 'run-log.md'), `# stolen ${MARK}\n`);
      await git(a.attacker, ['pull', '-q', '--rebase', 'origin', 'main']);
      const config = readFileSync(join(a.attacker, 'runlog.config.yaml'), 'utf8') + setting(a);
      // The victim's revert below takes this commit back whole.
      await a.push({
        'runlog.config.yaml': config,
        ...(name.includes('symlink') ? { logs: { link: a.outside } } : {}),
      });
      expectCalm(await a.run(['sync']), 'sync');
      const outside = a.outsideHash();
      const before = await head();

      for (const args of [
        ['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22'],
        ['list'],
        ['timeline'],
      ]) {
        const r = await a.run(args);
        expectCalm(r, args.join(' '));
        expect(r.code, args.join(' ')).toBe(1);
        expect(errorCode(r), args.join(' ')).toBe('BAD_CONFIG');
        expect(r.stderr).toMatch(/(runs_dir|templates_dir).*inside/);
      }
      expect(a.outsideHash()).toBe(outside);
      expect(existsSync(join(a.outside, 'timeline.md'))).toBe(false);
      await expectUnchanged(before);
      expect(await leaked()).toBe(false);

      // Once the setting is put back, the next command works.
      await git(a.victim, ['revert', '--no-edit', 'HEAD']);
      const ok = await a.run(['new', `after-${i}`, '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']);
      expectCalm(ok, 'new after the revert');
      expect(ok.code).toBe(0);
    });
  }
});
