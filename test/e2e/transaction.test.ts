/**
 * The git transaction under concurrent writers, end to end: real clones of a
 * real bare remote, the built CLI, and the remote's history as the judge.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendOutput, ShowOutput } from '../../src/schemas/output.js';
import {
  fileAt,
  git,
  makeLedger,
  mergeCommits,
  newRun,
  runlog,
  runlogOk,
  type CliResult,
  type TempLedger,
} from '../support/ledger.js';

const WRITERS = 8;
// 8 × 10 keeps real contention (half the writers race the others as if from other machines) at a third of the time; bench/ measures the large cases.
const APPENDS = 10;

/**
 * Each writer appends its entries one after another, as an agent in its own clone would. Writers
 * on one machine take turns at pushing (a queue in the user's temp dir); a writer given its own
 * TMPDIR acts as if on another machine, so it races them and its rejected pushes replay.
 */
async function writer(
  cwd: string,
  run: string,
  name: string,
  n: number,
  env: Record<string, string> = {},
): Promise<CliResult[]> {
  const out: CliResult[] = [];
  for (let i = 0; i < n; i++) out.push(await runlog(cwd, ['append', run, `${name}-${i}`, '--json'], { env }));
  return out;
}

/** The messages of the run's status entries, as `runlog show --json` reads them. */
async function shownMessages(cwd: string, run: string): Promise<string[]> {
  const r = await runlogOk(cwd, ['show', run, '--json']);
  const shown = ShowOutput.parse(r.json);
  expect(shown.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return shown.status.map((e) => e.message);
}

function expectAllInOrder(messages: string[], names: string[], n: number): void {
  for (const name of names) {
    const mine = messages.filter((m) => m.startsWith(`${name}-`));
    expect(mine, `entries of ${name}`).toEqual(Array.from({ length: n }, (_, i) => `${name}-${i}`));
  }
}

describe('many writers, one run log', () => {
  let l: TempLedger;
  let run: string;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    l = await makeLedger({ clones: WRITERS, prefix: 'runlog-tx-' });
    run = await newRun(l.main, 'train');
    await Promise.all(l.clones.slice(1).map((c) => git(c, ['pull', '-q', '--ff-only'])));
  });

  afterAll(() => {
    l?.cleanup();
    if (Object.keys(timings).length > 0) process.stderr.write(`transaction timings (ms): ${JSON.stringify(timings)}\n`);
  });

  it(`${WRITERS} clones x ${APPENDS} appends to the same run log, half of them as if on other machines: every entry reaches the remote, history stays linear`, async () => {
    const names = l.clones.map((_, i) => `w${i}`);
    const elsewhere = l.clones.map(
      (_, i): Record<string, string> =>
        i < WRITERS / 2 ? {} : { TMPDIR: mkdtempSync(join(tmpdir(), 'runlog-tx-machine-')) },
    );
    const started = Date.now();
    const results = await Promise.all(l.clones.map((c, i) => writer(c, run, names[i]!, APPENDS, elsewhere[i])));
    timings[`${WRITERS}x${APPENDS} concurrent`] = Date.now() - started;
    for (const e of elsewhere) if (e['TMPDIR']) rmSync(e['TMPDIR'], { recursive: true, force: true });

    const flat = results.flat();
    const failures = flat.filter((r) => r.code !== 0);
    // Exit 5 is allowed by the contract (the commit is kept locally); anything else is a lost write.
    expect(failures.filter((r) => r.code !== 5).map((r) => r.stderr)).toEqual([]);
    timings['exit 5 (pushed later by sync)'] = failures.length;
    const retries = flat.filter((r) => r.code === 0).map((r) => AppendOutput.parse(r.json).pushRetries);
    timings['push retries'] = retries.reduce((a, b) => a + b, 0);
    for (const f of failures) process.stderr.write(`append exit ${f.code}: ${f.stdout}${f.stderr}\n`);
    for (const c of l.clones) {
      const s = await runlogOk(c, ['sync', '--json']);
      expect((s.json as { pending: number }).pending).toBe(0);
    }

    const head = (await git(l.remote, ['rev-parse', 'main'])).trim();
    expect(await mergeCommits(l.remote, 'main')).toEqual([]);
    // init, new, and one commit per append: nothing squashed, nothing doubled.
    expect(Number((await git(l.remote, ['rev-list', '--count', 'main'])).trim())).toBe(2 + WRITERS * APPENDS);

    const fresh = await l.clone('verify');
    expect((await git(fresh, ['rev-parse', 'HEAD'])).trim()).toBe(head);
    const messages = await shownMessages(fresh, run);
    expect(messages.length).toBe(1 + WRITERS * APPENDS);
    expectAllInOrder(messages, names, APPENDS);

    // Every clone converged on the remote's head and reads the same file.
    const file = await fileAt(l.remote, 'main', `run_logs/${run}.md`);
    for (const c of l.clones) {
      await runlogOk(c, ['sync']);
      expect((await git(c, ['rev-parse', 'HEAD'])).trim()).toBe(head);
      expect((await git(c, ['status', '--porcelain'])).trim()).toBe('');
      expect(await fileAt(c, 'HEAD', `run_logs/${run}.md`)).toBe(file);
    }
  }, 600_000);

  it('4 concurrent writers in ONE clone are serialised by the ledger lock: none is lost', async () => {
    const names = ['s0', 's1', 's2', 's3'];
    const n = 10;
    const started = Date.now();
    const results = await Promise.all(names.map((name) => writer(l.main, run, name, n)));
    timings['4x10 one clone'] = Date.now() - started;
    expect(
      results
        .flat()
        .filter((r) => r.code !== 0)
        .map((r) => r.stderr),
    ).toEqual([]);
    expect(await mergeCommits(l.remote, 'main')).toEqual([]);
    expect((await git(l.main, ['status', '--porcelain'])).trim()).toBe('');
    expect((await git(l.main, ['rev-parse', 'HEAD'])).trim()).toBe((await git(l.remote, ['rev-parse', 'main'])).trim());
    expectAllInOrder(await shownMessages(l.main, run), names, n);
  }, 300_000);
});
