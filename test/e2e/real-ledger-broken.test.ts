/**
 * Run logs a human broke (a deleted `## Status`, front matter that is not
 * YAML, a state runlog does not know, a `---` never closed): reading commands
 * say `file:line` and what is wrong; writing commands refuse with
 * BROKEN_RUN_LOG and change nothing, locally or on the remote.
 */
import { cpSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorOutput, ListOutput, ShowOutput } from '../../src/schemas/output.js';
import { git, makeLedger, runlog, runlogOk, snapshotLedger, stderrError, type TempLedger } from '../support/ledger.js';

const BROKEN = resolve(__dirname, '..', 'fixtures', 'real-ledger', 'broken');

const CASES: { file: string; line: number; rule: string; what: RegExp }[] = [
  { file: '2026-03-20_no_status.md', line: 7, rule: 'missing-status', what: /no `## Status` section/ },
  { file: '2026-03-20_bad_yaml.md', line: 6, rule: 'front-matter', what: /front matter is not valid YAML/ },
  { file: '2026-03-20_unknown_state.md', line: 4, rule: 'front-matter', what: /front matter field state: .*half_done/ },
  {
    file: '2026-03-20_unclosed.md',
    line: 1,
    rule: 'front-matter',
    what: /front matter opened with --- is never closed/,
  },
];

const WRITES: [string, string[]][] = [
  ['append', ['a note']],
  ['append with state', ['a note', '--state', 'running', '--step', '5']],
  ['complete', ['--final-step', '100']],
  ['fail', ['--class', 'oom_gpu', '--reason', 'CUDA out of memory']],
  ['cancel', ['--reason', 'not needed']],
  ['resume', ['--from', 'shard 45']], // text, so the refusal is about the run log, not a missing checkpoint
];

describe('broken run logs', () => {
  let l: TempLedger;
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-broken-' });
    cpSync(BROKEN, join(l.main, 'run_logs', 'broken'), { recursive: true });
    expect(readdirSync(join(l.main, 'run_logs', 'broken')).sort()).toEqual(CASES.map((c) => c.file).sort());
    await git(l.main, ['add', '-A']);
    await git(l.main, ['commit', '-q', '-m', 'four hand-broken run logs']);
    await git(l.main, ['push', '-q', 'origin', 'main']);
  });
  afterAll(() => l?.cleanup());

  it('list still lists them, and says file:line and what is wrong (stderr, or the JSON warnings)', async () => {
    const r = await runlogOk(l.main, ['list', '--json']);
    const out = ListOutput.parse(r.json);
    expect(out.runs.map((x) => x.id).sort()).toEqual(CASES.map((c) => `broken/${c.file.replace(/\.md$/, '')}`).sort());
    const human = await runlogOk(l.main, ['list']);
    for (const c of CASES) {
      const line = out.warnings.find((x) => x.startsWith(`run_logs/broken/${c.file}:`));
      expect(human.stderr.split('\n')).toContain(line);
      expect(line, c.file).toBeDefined();
      expect(line).toMatch(
        new RegExp(`^run_logs/broken/${c.file.replace('.', '\\.')}:${c.line}: error: .* \\[${c.rule}\\]$`),
      );
      expect(line).toMatch(c.what);
    }
  });

  for (const c of CASES) {
    const id = `broken/${c.file.replace(/\.md$/, '')}`;

    it(`show ${c.file}: diagnostics with file and line`, async () => {
      const r = await runlogOk(l.main, ['show', id, '--json']);
      const out = ShowOutput.parse(r.json);
      expect(out.diagnostics).toHaveLength(1);
      expect(out.diagnostics[0]).toMatchObject({
        file: `run_logs/broken/${c.file}`,
        line: c.line,
        rule: c.rule,
        severity: 'error',
      });
      expect(out.diagnostics[0]!.message).toMatch(c.what);
      expect(out.warnings.join('\n')).toContain(`run_logs/broken/${c.file}:${c.line}: error: `);
      const human = await runlogOk(l.main, ['show', id]);
      expect(human.stderr).toContain(`run_logs/broken/${c.file}:${c.line}: error: `);
    });

    it(`writes into ${c.file} are refused with BROKEN_RUN_LOG and change nothing`, async () => {
      const before = await snapshotLedger(l.main);
      const remoteHead = (await git(l.remote, ['rev-parse', 'main'])).trim();
      for (const [name, args] of WRITES) {
        const cmd = name.split(' ')[0]!;
        // --no-push skips the fetch: the refusal comes from the same apply step, a second faster.
        const human = await runlog(l.main, [cmd, id, ...args, '--no-push']);
        expect([name, human.code]).toEqual([name, 1]);
        const e = stderrError(human.stderr);
        expect(e?.code).toBe('BROKEN_RUN_LOG');
        expect(e?.message.startsWith(`run_logs/broken/${c.file}:${c.line}: `)).toBe(true);
        expect(e?.message).toMatch(c.what);
        expect(e?.hint).toMatch(/fix the file by hand/);
      }
      const json = await runlog(l.main, ['append', id, 'a note', '--json']);
      expect(json.code).toBe(1);
      expect(ErrorOutput.parse(json.json).error).toMatchObject({
        code: 'BROKEN_RUN_LOG',
        message: expect.stringContaining(`run_logs/broken/${c.file}:${c.line}: `),
      });
      expect(await snapshotLedger(l.main)).toEqual(before);
      expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe(remoteHead);
    });
  }
});
