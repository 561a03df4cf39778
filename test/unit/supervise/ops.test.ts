import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../src/config/config.js';
import type { LedgerView } from '../../../src/git/ledger-repo.js';
import { applyNew } from '../../../src/ledger/ops/record.js';
import { applyOperation } from '../../../src/ledger/ops/index.js';
import {
  applyJobEnd,
  applyJobIntent,
  applyJobLaunch,
  applyJobUpdate,
  type JobOpResult,
} from '../../../src/ledger/ops/jobs.js';
import { RunLogDoc } from '../../../src/markdown/runlog.js';

/** The ledger's files as a map: the operations are pure over exactly this. */
function ledger(): { view: LedgerView; files: Map<string, string> } {
  const files = new Map<string, string>();
  const view: LedgerView = {
    root: '/nonexistent-ledger',
    config: ConfigSchema.parse({}),
    read: (p) => files.get(p) ?? null,
  };
  return { view, files };
}

async function apply<R>(
  l: ReturnType<typeof ledger>,
  p:
    | Promise<{ writes: { path: string; content: string }[]; result: R }>
    | { writes: { path: string; content: string }[]; result: R },
): Promise<R> {
  const a = await p;
  for (const w of a.writes) l.files.set(w.path, w.content);
  return a.result;
}

const id = '2026-03-22_train';
const doc = (l: ReturnType<typeof ledger>) => new RunLogDoc(l.files.get(`run_logs/${id}.md`)!, 'x.md');

describe('job operations', () => {
  it('intent → launch → update → end with a scheduled retry, all in one file, secrets scrubbed', async () => {
    const l = ledger();
    await apply(
      l,
      applyNew(l.view, {
        task: 'train',
        type: 'experiment',
        objective: 'o',
        settings: [],
        date: '2026-03-22',
        at: '2026-03-22T10:00:00Z',
      }),
    );
    // Through the door every operation passes (validation, normalising, scrubbing), as a commit would.
    const intent = {
      run: id,
      key: `${id}#1`,
      attempt: 1,
      at: '2026-03-22T10:01:00Z',
      fields: [['command', '`["train","--token","ghp_abcdefghijklmnopqrstuvwxyz0123456789"]`']],
      ignore: '.runlog/outputs',
    };
    const applied = await apply(
      l,
      applyOperation(l.view, { v: 1, kind: 'job-intent', run: id, args: intent }).then((a) => ({ ...a, result: a })),
    );
    expect(JSON.stringify(applied.op)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(l.files.get('.gitignore')).toContain('/.runlog/outputs/');
    expect(l.files.get(`run_logs/${id}.md`)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(doc(l).view.state).toBe('validating');
    await apply(
      l,
      applyJobLaunch(l.view, {
        run: id,
        key: `${id}#1`,
        at: '2026-03-22T10:01:05Z',
        state: 'running',
        fields: [
          ['execution_id', '`h:42`'],
          ['start', '`2026-03-22T10:01:05Z`'],
        ],
        message: 'launched',
      }),
    );
    await apply(
      l,
      applyJobUpdate(l.view, {
        run: id,
        key: `${id}#1`,
        at: '2026-03-22T10:05:00Z',
        step: 100,
        metrics: { train_loss: 1.2 },
        message: 'progress',
        fields: [['last_step', '100']],
      }),
    );
    const end = await apply<JobOpResult>(
      l,
      applyJobEnd(l.view, {
        run: id,
        key: `${id}#1`,
        at: '2026-03-22T10:06:00Z',
        state: 'command_failed',
        failureClass: 'network_transient',
        reason: 'exit code 1; evidence: Connection reset by peer',
        metrics: {},
        fields: [['exit_code', '1']],
        retry: {
          key: `${id}#2`,
          label: 'retry 1',
          notBefore: '2026-03-22T10:06:30Z',
          fields: [['not_before', '`2026-03-22T10:06:30Z`']],
        },
      }),
    );
    expect(end).toMatchObject({ state: 'pending', retry: { attempt: 2, heading: 'Job (retry 1)' } });
    const v = doc(l).view;
    expect(v.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (retry 1)']);
    expect(v.jobs[0]!.fields).toMatchObject({
      execution_id: 'h:42',
      terminal_state: 'command_failed',
      failure_class: 'network_transient',
      exit_code: '1',
      runtime: '00:04:55',
    });
    expect(v.jobs[1]!.fields['idempotency_key']).toBe(`${id}#2`);
    expect(v.status.map((e) => e.state)).toEqual([
      'pending',
      'validating',
      'running',
      'running',
      'command_failed',
      'pending',
    ]);
    expect(v.attempt).toBe(2);
  });

  it('a fact about an attempt the run has moved past writes nothing', async () => {
    const l = ledger();
    await apply(
      l,
      applyNew(l.view, {
        task: 'train',
        type: 'experiment',
        objective: 'o',
        settings: [],
        date: '2026-03-22',
        at: '2026-03-22T10:00:00Z',
      }),
    );
    await apply(
      l,
      applyJobIntent(l.view, { run: id, key: `${id}#1`, attempt: 1, at: '2026-03-22T10:01:00Z', fields: [] }),
    );
    await apply(
      l,
      applyJobLaunch(l.view, {
        run: id,
        key: `${id}#1`,
        at: '2026-03-22T10:01:05Z',
        state: 'running',
        fields: [],
        message: 'launched',
      }),
    );
    await apply(
      l,
      applyJobEnd(l.view, {
        run: id,
        key: `${id}#1`,
        at: '2026-03-22T10:02:00Z',
        state: 'canceled',
        failureClass: 'cancelled',
        reason: 'operator',
        metrics: {},
        fields: [],
      }),
    );
    const again = await applyJobEnd(l.view, {
      run: id,
      key: `${id}#1`,
      at: '2026-03-22T10:02:01Z',
      state: 'completed',
      reason: 'exit 0',
      metrics: {},
      fields: [],
    });
    expect(again.writes).toEqual([]);
    expect(again.result).toMatchObject({ skipped: expect.stringContaining('canceled') });
    const wrongKey = applyJobUpdate(l.view, {
      run: id,
      key: `${id}#9`,
      at: '2026-03-22T10:02:01Z',
      metrics: {},
      message: 'x',
      fields: [],
    });
    expect(wrongKey.writes).toEqual([]);
  });
});
