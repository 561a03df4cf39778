import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatInZone, headingInstant, LogbookDoc, type NewEntry } from '../../src/markdown/logbook.js';
import { applyEdits, type Edit } from '../../src/markdown/source.js';

const FIX = join(import.meta.dirname, '../fixtures/logbooks');
const fixture = (name: string) => readFileSync(join(FIX, name), 'utf8');

const entry = (over: Partial<NewEntry> = {}): NewEntry => ({
  at: new Date('2026-04-03T12:34:00Z'),
  title: 'babysit check',
  fields: [
    ['Status', 'running, step 6000'],
    ['Evidence', 'loss 2.1'],
  ],
  eventId: 'evt-1',
  mirror: 'pending',
  ...over,
});

/** Applies a pure insertion and checks every other byte is as it was; returns the new text and what was inserted. */
function insert(before: string, edit: Edit): { after: string; inserted: string } {
  expect(edit.end).toBe(edit.start);
  const after = applyEdits(before, [edit]);
  expect(after.slice(0, edit.start)).toBe(before.slice(0, edit.start));
  expect(after.slice(edit.start + edit.text.length)).toBe(before.slice(edit.start));
  return { after, inserted: edit.text };
}

describe('LogbookDoc reading', () => {
  it('reads the hero shape: contract, instances, entries, front matter issue', () => {
    const doc = new LogbookDoc(fixture('hero-oldest-first.md'), 'x.md');
    expect(doc.shape).toBe('hero');
    expect(doc.title).toBe('grug-moe-1e23-ep8: Hero Run Logbook');
    expect(doc.issue).toBe('https://github.com/octo-org/hello/issues/7');
    expect(doc.contract['DRI']).toBe('@alice');
    expect(doc.instances.map((i) => i.title)).toEqual(['i1']);
    expect(doc.instances[0]!.fields['Git SHA']).toBe('abc1234');
    expect(doc.entries.map((e) => e.title)).toEqual(['launched', 'first check']);
    expect(doc.entries[1]!.at).toBe(Date.parse('2026-03-10T09:20:00Z'));
    expect(doc.order).toBe('oldest-first');
    expect(doc.timeStyle).toEqual({ zone: 'UTC', known: true, separator: '-' });
    expect(doc.nextKey).toBe('Next');
  });

  it('reads a task logbook with a local zone and `Next action`', () => {
    const doc = new LogbookDoc(fixture('task-pdt.md'), 'x.md');
    expect(doc.shape).toBe('task');
    expect(doc.eventSectionName).toBe('Entry Log');
    expect(doc.issue).toBeNull();
    expect(doc.entries.map((e) => [e.zone, e.at])).toEqual([
      ['PST', Date.parse('2026-03-03T18:15:00Z')],
      ['PDT', Date.parse('2026-03-09T21:40:00Z')],
    ]);
    expect(doc.timeStyle.zone).toBe('PDT');
    expect(doc.nextKey).toBe('Next action');
  });

  it('detects a prepend-ordered file and its em-dash separator; issue from the contract', () => {
    const doc = new LogbookDoc(fixture('hero-prepend.md'), 'x.md');
    expect(doc.order).toBe('newest-first');
    expect(doc.timeStyle.separator).toBe('—');
    expect(doc.issue).toBe('#12');
  });

  it('counts a file that prepends newer events above an older oldest-first block as newest-first', () => {
    const text = [
      '# r',
      '## Event Log',
      '### 2026-01-05 10:00 UTC - e5',
      '### 2026-01-01 10:00 UTC - e1',
      '### 2026-01-02 10:00 UTC - e2',
      '',
    ].join('\n');
    expect(new LogbookDoc(text, 'x.md').order).toBe('newest-first');
    const asc = ['# r', '## Event Log', '### 2026-01-01 10:00 UTC - e1', '### 2026-01-02 10:00 UTC - e2', ''].join(
      '\n',
    );
    expect(new LogbookDoc(asc, 'x.md').order).toBe('oldest-first');
  });

  it('ignores headings inside code fences and non-entry headings', () => {
    const text = [
      '# r',
      '## Event Log',
      '```',
      '### 2026-01-09 10:00 UTC - not an entry',
      '```',
      '### Summary table',
      '### 2026-01-01 10:00 UTC - real',
      '',
    ].join('\n');
    expect(new LogbookDoc(text, 'x.md').entries.map((e) => e.title)).toEqual(['real']);
  });
});

describe('LogbookDoc appending', () => {
  it('appends at the bottom of an oldest-first Event Log, before the next section, touching no other byte', () => {
    const before = fixture('hero-oldest-first.md');
    const doc = new LogbookDoc(before, 'x.md');
    const { after, inserted } = insert(before, doc.appendEntryEdit(entry()));
    expect(inserted).toBe(
      '\n### 2026-04-03 12:34 UTC - babysit check\n- Status: running, step 6000\n- Evidence: loss 2.1\n<!-- runlog:event=evt-1 mirror=pending -->\n',
    );
    expect(after.indexOf('babysit check')).toBeLessThan(after.indexOf('## Notes'));
    const again = new LogbookDoc(after, 'x.md');
    expect(again.entries.at(-1)).toMatchObject({ title: 'babysit check', eventId: 'evt-1', mirror: 'pending' });
    expect(again.pending.map((e) => e.eventId)).toEqual(['evt-1']);
  });

  it("writes into a task logbook's Entry Log in its own zone (PDT in April)", () => {
    const before = fixture('task-pdt.md');
    const { after, inserted } = insert(before, new LogbookDoc(before, 'x.md').appendEntryEdit(entry()));
    expect(inserted).toContain('### 2026-04-03 05:34 PDT - babysit check');
    expect(after.endsWith('<!-- runlog:event=evt-1 mirror=pending -->\n')).toBe(true);
  });

  it('picks the standard abbreviation in winter for a PDT-styled file', () => {
    expect(formatInZone(new Date('2026-01-15T20:00:00Z'), 'PDT')).toEqual({
      date: '2026-01-15',
      time: '12:00',
      zone: 'PST',
    });
    expect(formatInZone(new Date('2026-07-15T20:00:00Z'), 'CET')).toEqual({
      date: '2026-07-15',
      time: '22:00',
      zone: 'CEST',
    });
    expect(headingInstant('2026-07-15', '22:00', 'CEST')).toBe(Date.parse('2026-07-15T20:00:00Z'));
    expect(headingInstant('2026-07-15', null, 'UTC')).toBeNull();
  });

  it('prepends above the newest entry in a newest-first file, keeping its separator', () => {
    const before = fixture('hero-prepend.md');
    const { after, inserted } = insert(before, new LogbookDoc(before, 'x.md').appendEntryEdit(entry()));
    expect(inserted.startsWith('### 2026-04-03 12:34 UTC — babysit check\n')).toBe(true);
    expect(after.indexOf('babysit check')).toBeGreaterThan(after.indexOf('Newest first.'));
    expect(after.indexOf('babysit check')).toBeLessThan(after.indexOf('— relaunch'));
    expect(new LogbookDoc(after, 'x.md').entries[0]!.title).toBe('babysit check');
  });

  it('creates the event section at the end of a file that has none, and keeps CRLF', () => {
    const before = '# notes: Task Logbook\r\n\r\n## Scope\r\nx\r\n';
    const { inserted } = insert(before, new LogbookDoc(before, 'x.md').appendEntryEdit(entry()));
    expect(inserted).toBe(
      '\r\n## Entry Log\r\n\r\n### 2026-04-03 12:34 UTC - babysit check\r\n- Status: running, step 6000\r\n- Evidence: loss 2.1\r\n<!-- runlog:event=evt-1 mirror=pending -->\r\n',
    );
  });

  it('flips a marker from pending to posted in place', () => {
    const before = applyEdits(fixture('hero-oldest-first.md'), [
      new LogbookDoc(fixture('hero-oldest-first.md'), 'x.md').appendEntryEdit(entry()),
    ]);
    const doc = new LogbookDoc(before, 'x.md');
    const after = applyEdits(before, [doc.mirrorStateEdit('evt-1', 'posted')!]);
    expect(after).toBe(before.replace('mirror=pending', 'mirror=posted'));
    expect(new LogbookDoc(after, 'x.md').pending).toEqual([]);
    expect(doc.mirrorStateEdit('nope', 'posted')).toBeNull();
  });

  it('adds a launched instance after the last one', () => {
    const before = fixture('hero-oldest-first.md');
    const doc = new LogbookDoc(before, 'x.md');
    const { after, inserted } = insert(
      before,
      doc.appendInstanceEdit({
        at: new Date('2026-04-03T12:00:00Z'),
        title: 'i2 (relaunch)',
        fields: [['Git SHA', 'def5678']],
      }),
    );
    expect(inserted).toBe('\n### 2026-04-03 12:00 UTC - i2 (relaunch)\n- Git SHA: def5678\n');
    expect(new LogbookDoc(after, 'x.md').instances.map((i) => i.title)).toEqual(['i1', 'i2 (relaunch)']);
  });

  it('appends to a 100 KB logbook with one splice, in time that does not grow with the file', () => {
    const block = (i: number) =>
      `### 2026-03-${String(1 + (i % 28)).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00 UTC - check ${i}\n- Status: running, step ${i * 100}\n- Evidence: loss ${(3 - i / 1000).toFixed(3)}, throughput 1.7 it/s\n- Decision: none\n- Next: keep going\n\n`;
    const build = (n: number) =>
      `# big: Hero Run Logbook\n\n## Run Contract\n- DRI: a\n\n## Event Log\n\n${Array.from({ length: n }, (_, i) => block(i)).join('')}`;
    const small = build(40);
    const big = build(1200);
    expect(big.length).toBeGreaterThan(100_000);
    const time = (text: string) => {
      const t0 = performance.now();
      for (let k = 0; k < 5; k++) applyEdits(text, [new LogbookDoc(text, 'x.md').appendEntryEdit(entry())]);
      return (performance.now() - t0) / 5;
    };
    time(big);
    const tBig = time(big);
    const tSmall = time(small);
    const after = applyEdits(big, [new LogbookDoc(big, 'x.md').appendEntryEdit(entry())]);
    expect(after.startsWith(big)).toBe(true);
    // Linear in the parse: 30x the text may cost at most ~30x (generous bound for CI noise), and stays small in absolute terms.
    expect(tBig).toBeLessThan(Math.max(tSmall * 60, 5) + 50);
    expect(tBig).toBeLessThan(200);
  });
});
