/**
 * Symlinks and settings pushed through git that lead out of the repository.
 * The victim's ordinary commands refuse them with a coded error: nothing
 * outside is read into a commit, nothing outside is written or deleted.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git } from '../../support/ledger.js';
import { arena, errorCode, expectCalm, type Arena } from './support.js';

let a: Arena;

beforeEach(async () => {
  a = await arena();
});

afterEach(() => a.cleanup());

const MARK = 'PRIVATE-8d1f0c2b';

async function leaked(): Promise<boolean> {
  const remote = await git(a.l.remote, ['log', '-p', '--all']);
  const local = await git(a.victim, ['log', '-p', '--all']);
  return remote.includes(MARK) || local.includes(MARK);
}

async function head(): Promise<string> {
  return (await git(a.victim, ['rev-parse', 'HEAD'])).trim();
}

describe('symlinked files under run_logs/ are refused', () => {
  for (const index of ['timeline.md', 'experiments.md']) {
    it(`a committed ${index} that links to a private file is never read or replaced`, async () => {
      await a.push({ [`run_logs/${index}`]: { link: a.privateFile } });
      expectCalm(await a.run(['sync']), 'sync');
      const outside = a.outsideHash();
      const before = await head();

      const r = await a.run(['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']);
      expectCalm(r, 'new');
      expect(r.code).toBe(1);
      expect(errorCode(r)).toBe('SYMLINK_IN_LEDGER');
      expect(r.stderr).toContain(`run_logs/${index}`);
      expect(await head(), 'the refused command committed').toBe(before);
      expect(a.outsideHash()).toBe(outside);
      expect(readFileSync(a.privateFile, 'utf8')).toBe(a.privateText);
      expect(await leaked()).toBe(false);

      // Everything that does not touch the link still works.
      expectCalm(await a.run(['list']), 'list');
      const other = await a.run(['new', 'elsewhere', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22', '--group', 'fine']);
      expectCalm(other, 'new --group fine');
      expect(other.code).toBe(0);
      expect(await leaked()).toBe(false);
    });
  }

  it('a committed run log that is a symlink is refused by show, append and list', async () => {
    await git(a.victim, ['pull', '-q', 'origin', 'main']);
    await a.push({ 'run_logs/2026-03-22_link.md': { link: a.privateFile }, 'run_logs/2026-03-22_inner.md': { link: 'timeline.md' } });
    expectCalm(await a.run(['sync']), 'sync');
    for (const args of [['show', '2026-03-22_link'], ['append', '2026-03-22_link', 'x'], ['show', '2026-03-22_inner']]) {
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
    await a.push({ 'run_logs/grp': { link: target } });
    expectCalm(await a.run(['sync']), 'sync');
    const outside = a.outsideHash();
    const before = await head();

    const r = await a.run(['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22', '--group', 'grp']);
    expectCalm(r, 'new --group grp');
    expect(r.code).toBe(1);
    expect(errorCode(r)).toBe('SYMLINK_IN_LEDGER');
    expect(a.outsideHash()).toBe(outside);
    expect(await head()).toBe(before);
    for (const args of [['list'], ['timeline'], ['experiments']]) expectCalm(await a.run(args), args.join(' '));
    expect(a.outsideHash()).toBe(outside);
  });

  it('a committed template override that links to a private file is refused', async () => {
    await a.push({ '.runlog/templates/run-log.md': { link: a.privateFile } });
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
    await git(a.attacker, ['pull', '-q', 'origin', 'main']);
    await a.push({ [`.runlog/outputs/${id}/attempt-1/output.log`]: { link: a.privateFile } });
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
  const cases: [string, (a: Arena) => string][] = [
    ['runs_dir: ../outside', () => 'runs_dir: ../outside\n'],
    ['an absolute runs_dir', (x) => `runs_dir: ${x.outside}\n`],
    ['a runs_dir that is a committed symlink to outside', () => 'runs_dir: logs\n'],
    ['templates_dir: ../outside', () => 'templates_dir: ../outside\n'],
  ];
  for (const [name, setting] of cases) {
    it(name, async () => {
      writeFileSync(join(a.outside, 'run-log.md'), `# stolen ${MARK}\n`);
      const config = readFileSync(join(a.attacker, 'runlog.config.yaml'), 'utf8') + setting(a);
      await a.push({ 'runlog.config.yaml': config, ...(name.includes('symlink') ? { logs: { link: a.outside } } : {}) });
      expectCalm(await a.run(['sync']), 'sync');
      const outside = a.outsideHash();
      const before = await head();

      for (const args of [['new', 'probe', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22'], ['list'], ['timeline']]) {
        const r = await a.run(args);
        expectCalm(r, args.join(' '));
        expect(r.code, args.join(' ')).toBe(1);
        expect(errorCode(r), args.join(' ')).toBe('BAD_CONFIG');
        expect(r.stderr).toMatch(/(runs_dir|templates_dir).*inside/);
      }
      expect(a.outsideHash()).toBe(outside);
      expect(existsSync(join(a.outside, 'timeline.md'))).toBe(false);
      expect(await head()).toBe(before);
      expect(await leaked()).toBe(false);

      // Once the setting is put back, the next command works.
      await git(a.victim, ['revert', '--no-edit', 'HEAD']);
      const ok = await a.run(['new', 'after', '--type', 'experiment', '--objective', 'x', '--date', '2026-03-22']);
      expectCalm(ok, 'new after the revert');
      expect(ok.code).toBe(0);
    });
  }
});
