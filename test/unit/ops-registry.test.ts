// Replay must be able to apply every kind of operation runlog commits; the registry loads them lazily.
import { describe, expect, it } from 'vitest';
import { OPERATION_KINDS, applyOperation } from '../../src/ledger/ops/index.js';
import { JOB_OPERATIONS } from '../../src/ledger/ops/jobs.js';
import { LOGBOOK_OPERATIONS } from '../../src/ledger/ops/logbook.js';

describe('operation registry', () => {
  it('knows every job and logbook operation kind their modules define', () => {
    for (const k of [...Object.keys(JOB_OPERATIONS), ...Object.keys(LOGBOOK_OPERATIONS)])
      expect(OPERATION_KINDS).toContain(k);
  });

  it('resolves each kind to a function (a broken loader would fail here, not in a replay)', async () => {
    const view = { root: '/nonexistent', config: {} as never, read: () => null };
    for (const kind of OPERATION_KINDS) {
      // Applying with empty args fails inside the operation, never with UNKNOWN_OPERATION.
      const err = await applyOperation(view, { v: 1, kind, args: {} }).then(
        () => null,
        (e: { code?: string }) => e,
      );
      expect((err as { code?: string } | null)?.code, kind).not.toBe('UNKNOWN_OPERATION');
    }
  });

  it('refuses a kind it does not know', async () => {
    await expect(
      applyOperation({ root: '/', config: {} as never, read: () => null }, { v: 1, kind: 'nope', args: {} }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_OPERATION' });
  });
});
