// `list` answers from a derived index: whatever happens to the files (edits git does not know of, hidden
// modifications, a damaged or deleted index), its answer equals a fresh parse of every run log.
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/git/ledger-repo.js';
import { listRuns } from '../../src/ledger/read/queries.js';
import { git, makeLedger, type TempLedger } from '../support/ledger.js';

const STATES = ['running', 'completed', 'pending'];
const runLog = (id: string, state: string, extra = '') =>
  `---\nschema_version: 1\nid: ${id}\nstate: ${state}\nrun_type: experiment\ncampaign: null\nattempt: 1\n---\n# ${id}\n\n## Mode\n- run_type: experiment\n\n## Status\n- 2026-03-22 10:00 UTC — ${state} — checked${extra}\n\n## Results\n`;
const handKept = (state: string) =>
  `# hand kept\n\n## Mode\n- run_type: pipeline\n\n## Status\n- 2026-03-21 09:00 — pending — made\n- 2026-03-21 10:00 — ${state} — oom_gpu: out of memory\n`;

describe('list over its run index', () => {
  let l: TempLedger;
  const index = () => join(l.main, '.git', 'runlog', 'run-index.tsv');
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-list-index-' });
    for (let i = 0; i < 12; i++)
      writeFileSync(
        join(l.main, 'run_logs', `2026-03-${String(10 + i).padStart(2, '0')}_r${i}.md`),
        runLog(`2026-03-${10 + i}_r${i}`, STATES[i % 3]!),
      );
    writeFileSync(join(l.main, 'run_logs', '2026-03-30_hand.md'), handKept('command_failed'));
    await git(l.main, ['add', '-A']);
    await git(l.main, ['commit', '-q', '-m', 'runs']);
  });
  afterAll(() => l.cleanup());

  // Both ways of trusting an entry: git's blob ids (threshold 1) and a stat per file (threshold never reached).
  for (const [how, from] of [
    ['blob ids from git', 1],
    ['stat keys', 1e9],
  ] as const) {
    const list = async (filter = {}) => listRuns(openLedger({ cwd: l.main }), filter, from);
    const fresh = async (filter = {}) => {
      rmSync(index(), { force: true });
      return list(filter);
    };

    it(`${how}: warm answers equal a fresh parse through edits, hidden edits and a damaged index`, async () => {
      rmSync(index(), { force: true });
      const cold = await list({ state: 'running' });
      expect(cold.runs.map((r) => r.id)).toEqual(['2026-03-10_r0', '2026-03-13_r3', '2026-03-16_r6', '2026-03-19_r9']);
      expect(await list({ state: 'running' })).toEqual(cold);
      expect(await list()).toEqual(await fresh());
      const failed = await list({ failureClass: 'oom_gpu' });
      expect(failed.runs.map((r) => [r.id, r.state, r.stateInferred, r.runType])).toEqual([
        ['2026-03-30_hand', 'command_failed', true, 'pipeline'],
      ]);

      // an edit git has not seen, same size (running → pending needs the same bytes as an in-place rewrite)
      const f = join(l.main, 'run_logs', '2026-03-10_r0.md');
      const before = readFileSync(f, 'utf8');
      writeFileSync(f, before.replace('state: running', 'state: queued\n'.slice(0, 'state: running'.length)));
      expect(await list()).toEqual(await fresh());
      // a change git is told to ignore (assume-unchanged) is still seen
      await git(l.main, ['update-index', '--assume-unchanged', 'run_logs/2026-03-13_r3.md']);
      appendFileSync(join(l.main, 'run_logs', '2026-03-13_r3.md'), '- 2026-03-23 10:00 UTC — completed — done\n');
      writeFileSync(
        join(l.main, 'run_logs', '2026-03-13_r3.md'),
        readFileSync(join(l.main, 'run_logs', '2026-03-13_r3.md'), 'utf8').replace(
          'state: running',
          'state: completed',
        ),
      );
      const seen = await list({ state: 'running' });
      expect(seen.runs.map((r) => r.id)).not.toContain('2026-03-13_r3');
      expect(seen).toEqual(await fresh({ state: 'running' }));
      await git(l.main, ['update-index', '--no-assume-unchanged', 'run_logs/2026-03-13_r3.md']);
      // a hand-kept log gains an entry: its derived state follows
      appendFileSync(
        join(l.main, 'run_logs', '2026-03-30_hand.md'),
        '- 2026-03-22 10:00 — completed — rerun finished\n',
      );
      expect((await list({ state: 'completed' })).runs.map((r) => r.id)).toContain('2026-03-30_hand');

      // damaged, cut short or foreign index files are rebuilt silently
      const good = await list();
      for (const damaged of [
        'garbage',
        readFileSync(index(), 'utf8').slice(0, 200),
        readFileSync(index(), 'utf8')
          .replace(/\tcompleted\t/g, '\trunning\t')
          .replace(/end \d+\n$/, 'end 1\n'),
      ]) {
        writeFileSync(index(), damaged);
        expect(await list()).toEqual(good);
      }
      await git(l.main, ['checkout', '-q', '--', 'run_logs']);
    });
  }
});
