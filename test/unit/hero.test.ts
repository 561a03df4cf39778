import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { ConfigSchema } from '../../src/config/config.js';
import { finalStepFromConfig, renderChecklist } from '../../src/hero/checklist.js';
import { eventId, mirrorDecision } from '../../src/hero/mirror-policy.js';
import { resolveLogbook } from '../../src/ledger/read/logbooks.js';
import { entryComment } from '../../src/hero/logbook-mirror.js';
import type { LedgerView } from '../../src/git/ledger-repo.js';
import { applyOperation } from '../../src/ledger/ops/index.js';
import {
  applyBabysitEvent,
  applyHeroEvent,
  applyHeroInit,
  applyMirrorPosted,
  type LogbookEventArgs,
} from '../../src/ledger/ops/logbook.js';
import { LogbookDoc } from '../../src/markdown/logbook.js';

const FIX = join(import.meta.dirname, '../fixtures/logbooks');

function viewOf(files: Record<string, string>, root = '/nowhere'): LedgerView {
  return { root, config: ConfigSchema.parse({}), read: (p) => files[p] ?? null };
}

describe('logbook operations', () => {
  const path = '.agents/logbooks/grug.md';
  const files = () => ({ [path]: readFileSync(join(FIX, 'hero-oldest-first.md'), 'utf8') });
  const event = (over: Partial<LogbookEventArgs> = {}): LogbookEventArgs => ({
    slug: 'grug',
    path,
    at: '2026-04-03T12:00:00Z',
    title: 'spike',
    fields: [
      ['Status', 'running'],
      ['Evidence', 'token ghp_abcdefghijklmnopqrstuvwxyz0123456789 in the log'],
      ['Next', 'watch'],
    ],
    eventId: 'grug@x.1',
    mirror: 'pending',
    ...over,
  });

  it('writes an event once: applying the same operation again (a replay, a re-run) changes nothing', async () => {
    const f = files();
    // Through the door (as every commit and replay does): the token in the event is scrubbed there.
    const first = await applyOperation(viewOf(f), {
      v: 1,
      kind: 'hero-event',
      run: 'grug',
      args: event() as unknown as Record<string, unknown>,
    });
    expect(first.subject).toBe('grug: log event');
    expect(first.result).toMatchObject({ written: true, mirror: 'pending' });
    const text = first.writes[0]!.content;
    expect(text).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    const second = applyHeroEvent(viewOf({ [path]: text }), event());
    expect(second.writes).toEqual([]);
    expect(second.result.written).toBe(false);
  });

  it('names babysit commits by what happened, and routine checks as checks', () => {
    const f = files();
    expect(applyBabysitEvent(viewOf(f), event({ title: 'babysit: Loss became NaN at step 41' })).subject).toBe(
      'grug: log babysit: Loss became NaN at step 41',
    );
    expect(applyBabysitEvent(viewOf(f), event({ title: 'babysit check: running, step 3' })).subject).toBe(
      'grug: log babysit check',
    );
  });

  it('marks only pending events posted', () => {
    const text = applyHeroEvent(viewOf(files()), event()).writes[0]!.content;
    const r = applyMirrorPosted(viewOf({ [path]: text }), {
      slug: 'grug',
      path,
      events: [
        { eventId: 'grug@x.1', state: 'posted' },
        { eventId: 'nope', state: 'posted' },
      ],
    });
    expect(r.result.marked).toEqual(['grug@x.1']);
    expect(r.writes[0]!.content).toBe(text.replace('mirror=pending', 'mirror=posted'));
    const again = applyMirrorPosted(viewOf({ [path]: r.writes[0]!.content }), {
      slug: 'grug',
      path,
      events: [{ eventId: 'grug@x.1', state: 'posted' }],
    });
    expect(again.writes).toEqual([]);
  });

  it('hero-init refuses to overwrite a logbook, and renders the seed shape from the template', async () => {
    const args = {
      slug: 'grug',
      path,
      at: '2026-04-03T12:00:00Z',
      dri: 'alice',
      goal: 'g',
      stopCriteria: 's',
      finalStep: 10,
      retention: 'keep 3',
      outputRoot: '/out',
      wandb: 'w',
      cadence: '15m',
      issueUrl: 'https://github.com/o/r/issues/3',
      eventId: 'grug@init',
      runLog: null,
    };
    await expect(applyHeroInit(viewOf(files()), args)).rejects.toMatchObject({ code: 'LOGBOOK_EXISTS' });
    const made = await applyHeroInit(viewOf({}), args);
    expect(made.subject).toBe('grug: start hero-run logbook');
    const doc = new LogbookDoc(made.writes[0]!.content, path);
    expect(doc.shape).toBe('hero');
    expect(doc.issue).toBe('https://github.com/o/r/issues/3');
    expect(doc.frontMatter?.['issue']).toBe('https://github.com/o/r/issues/3');
    expect(doc.contract['Final step']).toBe('10');
    expect(doc.entries.map((e) => [e.title, e.eventId, e.mirror])).toEqual([
      ['start hero-run logbook', 'grug@init', 'none'],
    ]);
    expect(made.writes[0]!.content).not.toMatch(/\{\{/);
  });
});

describe('mirror policy and ids', () => {
  const withIssue = (entries: string) =>
    new LogbookDoc(`---\nissue: 7\n---\n# r\n\n## Event Log\n\n${entries}`, 'x.md');

  it('posts interesting kinds, and routine ones only when the issue was quiet for 24 h', () => {
    const now = new Date('2026-04-03T12:00:00Z');
    const recent = withIssue('### 2026-04-03 00:00 UTC - x\n<!-- runlog:event=a mirror=posted -->\n');
    expect(mirrorDecision(recent, 'failure', now).mirror).toBe('pending');
    expect(mirrorDecision(recent, 'check', now).mirror).toBe('none');
    const old = withIssue('### 2026-04-02 11:00 UTC - x\n<!-- runlog:event=a mirror=posted -->\n');
    expect(mirrorDecision(old, 'check', now)).toEqual({ mirror: 'pending', why: 'no issue update in the last 24 h' });
    expect(mirrorDecision(old, 'failure', now, false).mirror).toBe('none');
    expect(mirrorDecision(new LogbookDoc('# r\n', 'x.md'), 'failure', now).mirror).toBe('none');
  });

  it('event ids are stable for the same minute and content, and never contain "--"', () => {
    const at = new Date('2026-04-03T12:00:30Z');
    expect(eventId('a--b', at, 'x')).toBe(eventId('a--b', new Date('2026-04-03T12:00:59Z'), 'x'));
    expect(eventId('a--b', at, 'x')).not.toBe(eventId('a--b', at, 'y'));
    expect(eventId('a--b', at, 'x')).not.toContain('--');
    expect(eventId('a--b', at, 'x')).toMatch(/^[A-Za-z0-9][A-Za-z0-9._:@+/-]*$/);
  });

  it('comments carry the entry fields and the logbook path', () => {
    const doc = withIssue(
      '### 2026-04-03 00:00 UTC - spike\n- Status: running\n- Next: watch\n<!-- runlog:event=a mirror=pending -->\n',
    );
    expect(entryComment('r', '.agents/logbooks/r.md', doc.entries[0]!)).toBe(
      '**r: spike** (2026-04-03 00:00 UTC)\n\n- Status: running\n- Next: watch\n\nLogbook: `.agents/logbooks/r.md`',
    );
  });
});

describe('launch checklist pieces', () => {
  it('reads the final step from the config, not from display text', () => {
    expect(finalStepFromConfig({ 'trainer.num_train_steps': 120000, 'eval.max_steps': 50 })).toEqual({
      key: 'trainer.num_train_steps',
      step: 120000,
    });
    expect(finalStepFromConfig({ max_steps: '5000' })).toEqual({ key: 'max_steps', step: 5000 });
    expect(finalStepFromConfig({ lr: 0.1 })).toBeNull();
  });

  it('labels inferred values and prints why an item blocks', () => {
    const lines = renderChecklist([
      { item: 'W&B', value: 'none', source: 'inferred', ok: true },
      { item: 'Dirty tree', value: 'yes: a.py', source: 'git', ok: false, reason: 'uncommitted' },
    ]);
    expect(lines).toEqual(['  ok  W&B: none (inferred)', 'BLOCK Dirty tree: yes: a.py\n        → uncommitted']);
  });
});

describe('resolveLogbook', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'runlog-logbooks-'));
    mkdirSync(join(root, '.agents/logbooks'), { recursive: true });
    for (const s of ['grug-moe-1e23-ep8', 'grug-dense-ep8', 'solo'])
      writeFileSync(join(root, `.agents/logbooks/${s}.md`), '# x\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('takes a slug, a path, or a unique suffix; lists candidates otherwise', () => {
    expect(resolveLogbook(root, 'solo')).toEqual({ slug: 'solo', path: '.agents/logbooks/solo.md' });
    expect(resolveLogbook(root, '.agents/logbooks/solo.md', root).slug).toBe('solo');
    expect(resolveLogbook(root, 'moe-1e23-ep8').slug).toBe('grug-moe-1e23-ep8');
    const amb = (() => {
      try {
        resolveLogbook(root, 'ep8');
      } catch (e) {
        return e as RunlogError;
      }
    })();
    expect(amb?.code).toBe('AMBIGUOUS_RUN');
    expect(() => resolveLogbook(root, 'nope')).toThrow(/no logbook named "nope"/);
    expect(() => resolveLogbook(root, '../etc/passwd')).toThrow(RunlogError);
    expect(() => resolveLogbook(root, 'run_logs/x.md', root)).toThrow(/not a logbook/);
  });
});
