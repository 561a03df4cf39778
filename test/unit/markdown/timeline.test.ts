/** timeline.md rebuilds replace only the numbered list; a numbered example in a code block is not the list. */
import { describe, expect, it } from 'vitest';
import { timelineAdd, timelineRebuild } from '../../../src/ledger/ops/timeline.js';
import type { LedgerView } from '../../../src/git/ledger-repo.js';

const viewOf = (text: string): LedgerView => ({
  root: '/nonexistent',
  config: { runs_dir: 'run_logs' } as LedgerView['config'],
  read: () => text,
});

describe('timelineRebuild', () => {
  it('fixes a drifted weekday and keeps the heading, notes and a code example', () => {
    const text =
      '# G Timeline\n\n```\n1. `example.md` — Monday, Jan 1st\n```\n\n1. `2026-02-21_a.md` — Sunday, Feb 21st\n\nNotes stay.\n';
    const out = timelineRebuild(viewOf(text), 'run_logs/g', 'g', [
      { file: '2026-02-21_a.md' },
      { file: '2026-02-20_b.md' },
    ]).content;
    expect(out).toBe(
      '# G Timeline\n\n```\n1. `example.md` — Monday, Jan 1st\n```\n\n1. `2026-02-20_b.md` — Friday, Feb 20th\n2. `2026-02-21_a.md` — Saturday, Feb 21st\n\nNotes stay.\n',
    );
  });
  it('keeps CRLF', () => {
    const text = '# G Timeline\r\n\r\n1. `2026-02-21_a.md` — Sunday, Feb 21st\r\n';
    expect(timelineRebuild(viewOf(text), 'run_logs/g', 'g', [{ file: '2026-02-21_a.md' }]).content).toBe(
      '# G Timeline\r\n\r\n1. `2026-02-21_a.md` — Saturday, Feb 21st\r\n',
    );
  });
  it('keeps a line that already says the right thing, linked or not, and orders a day by creation', () => {
    const text = '# G Timeline\n\n1. `2026-02-20_z.md` — Friday, Feb 20th\n';
    const out = timelineRebuild(viewOf(text), 'run_logs/g', 'g', [
      { file: '2026-02-20_z.md', created: 1 },
      { file: '2026-02-20_a.md', created: 2 },
    ]).content;
    expect(out).toBe(
      '# G Timeline\n\n1. `2026-02-20_z.md` — Friday, Feb 20th\n2. `2026-02-20_a.md` — Friday, Feb 20th\n',
    );
    const linked = '# G Timeline\n\n1. [`2026-02-20_z.md`](2026-02-20_z.md) — Friday, Feb 20th\n';
    expect(
      timelineRebuild(viewOf(linked), 'run_logs/g', 'g', [
        { file: '2026-02-20_a.md', created: 2 },
        { file: '2026-02-20_z.md', created: 1 },
      ]).content,
    ).toBe(
      '# G Timeline\n\n1. [`2026-02-20_z.md`](2026-02-20_z.md) — Friday, Feb 20th\n2. [`2026-02-20_a.md`](2026-02-20_a.md) — Friday, Feb 20th\n',
    );
  });
  it('a rebuild right after an add changes nothing, also beside a run that does not say when it was created', () => {
    const text =
      '# G Timeline\n\n1. `2026-02-20_hand.md` — Friday, Feb 20th\n2. `2026-02-21_c.md` — Saturday, Feb 21st\n';
    const added = timelineAdd(viewOf(text), 'run_logs/g', 'g', '2026-02-20_a.md').content;
    const files = [
      { file: '2026-02-21_c.md', created: 5 },
      { file: '2026-02-20_a.md', created: 9 },
      { file: '2026-02-20_hand.md' },
    ];
    expect(timelineRebuild(viewOf(added), 'run_logs/g', 'g', files).content).toBe(added);
  });
  it('adds a run after its day and renumbers only the lines after it', () => {
    const text =
      '# G Timeline\n\n1. `2026-02-20_b.md` — Friday, Feb 20th\n2. [`2026-02-22_c.md`](2026-02-22_c.md) — Sunday, Feb 22nd\n';
    const out = timelineAdd(viewOf(text), 'run_logs/g', 'g', '2026-02-21_a.md').content;
    expect(out).toBe(
      '# G Timeline\n\n1. `2026-02-20_b.md` — Friday, Feb 20th\n2. [`2026-02-21_a.md`](2026-02-21_a.md) — Saturday, Feb 21st\n3. [`2026-02-22_c.md`](2026-02-22_c.md) — Sunday, Feb 22nd\n',
    );
  });
});
