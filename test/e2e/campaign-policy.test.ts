/**
 * Campaign policy and bad input: fail_fast stops a campaign and says why,
 * a bad manifest is refused with the key and the line and changes nothing,
 * and a supervisor SIGKILLed in the middle of a campaign launches nothing
 * twice when it starts again.
 */
import { join } from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CampaignCancelOutput,
  CampaignLaunchOutput,
  CampaignResumeOutput,
  ErrorOutput,
} from '../../src/schemas/output.js';
import { runlog, runlogOk, snapshotLedger, spawnRunlog, stderrError, waitFor } from '../support/ledger.js';
import { launch, row, status, superviseUntilIdle, tracked, writeManifest } from '../support/campaigns.js';
import { jobLedger, show, type JobLedger } from '../support/jobs.js';

let jl: JobLedger;
let dir: string;
beforeAll(async () => {
  jl = await jobLedger();
  dir = jl.dir;
});
afterAll(() => jl?.cleanup());

// Two campaigns, one supervisor run: fail_fast, and the strict W&B gate.
describe('fail_fast and the strict W&B gate', () => {
  let ff: string;
  let gate: string;
  beforeAll(async () => {
    const wandb = String.raw`d="$RUNLOG_OUTPUT_DIR/wandb/offline-run-20260501_100000-abc/files"; mkdir -p "$d"; echo x > "$d/wandb-metadata.json"; node train.mjs --steps 3 --sleep-ms 50; echo y >> "$d/wandb-metadata.json"`;
    const g = writeManifest(
      dir,
      'gate.yaml',
      `name: gate
command: ["sh", "-c", "node train.mjs --steps 3 --sleep-ms 50", "{w}"]
runs:
  - {w: plain}
  - {w: logged, command: ["sh", "-c", ${JSON.stringify(wandb)}, "{w}"]}
wandb: {strict: true}
`,
    );
    const m = writeManifest(
      dir,
      'ff.yaml',
      `name: ff
command: node train.mjs --steps 3 --sleep-ms 50 --tag {tag}
runs:
  - {tag: a, command: "node train.mjs --steps 3 --sleep-ms 50 --fail-at 2 --fail-with code --tag {tag}"}
  - {tag: b}
  - {tag: c}
policy: {max_parallel: 1, fail_fast: true}
`,
    );
    ff = (await launch(dir, m)).id;
    gate = (await launch(dir, g)).id;
    await superviseUntilIdle(dir, 60_000);
  });

  it('fail_fast: nothing new starts after the first failure, and the campaign says why', async () => {
    const id = ff;
    const { summary } = await status(dir, id);
    expect(row(summary, 'taga')).toMatchObject({ state: 'command_failed', failure_class: 'code_error', attempts: 1 });
    expect(row(summary, 'tagb')).toMatchObject({ state: 'canceled' });
    expect(row(summary, 'tagc')).toMatchObject({ state: 'canceled' });
    expect(summary.halted?.reason).toMatch(/fail_fast: entry taga ended command_failed \(code_error\)/);
    // canceled (abandoned) is counted apart from the failure
    expect(summary.counts).toMatchObject({ command_failed: 1, canceled: 2 });
    expect(summary.failure_classes['code_error']).toBe(1);
    expect(summary.failure_classes['cancelled']).toBe(0);
    // b and c never ran
    const b = await show(dir, summary.runs[1]!.id);
    expect(b.jobs.every((j) => !j.fields['idempotency_key'])).toBe(true);
    expect(readFileSync(join(dir, 'run_logs', id, 'campaign.md'), 'utf8')).toMatch(
      /\*\*Halted\*\*.*fail_fast: entry taga/,
    );
  });

  it('resume after fail_fast starts the entries that never ran, and leaves the failure alone', async () => {
    const r = CampaignResumeOutput.parse((await runlogOk(dir, ['campaign', 'resume', ff, '--json'])).json);
    expect(r.resumed.map((x) => [x.entry, x.from])).toEqual([
      ['tagb', 'canceled'],
      ['tagc', 'canceled'],
    ]);
    expect(r.acknowledged).toEqual(['taga']);
    const { summary } = await status(dir, ff);
    expect(summary.halted).toBeNull();
    expect(summary.counts).toMatchObject({ command_failed: 1, pending: 2, canceled: 0 });
    expect(row(summary, 'taga').attempts).toBe(1);
  });

  it('strict W&B gate: a run that completes without a W&B run fails it, in Results and summary.json, and campaign status exits 1', async () => {
    const id = gate;
    const { summary, result } = await status(dir, id);
    expect(summary.counts['completed']).toBe(2);
    expect(row(summary, 'wplain').wandb_gate).toMatch(/^failed \(.*no W&B run/);
    expect(row(summary, 'wlogged').wandb_gate).toBe('passed');
    expect(summary.wandb_gate).toMatchObject({ strict: true, failed: 1 });
    expect(result.code).toBe(1);
    expect(readFileSync(join(dir, 'run_logs', `${row(summary, 'wplain').id}.md`), 'utf8')).toMatch(
      /^- wandb_gate: .*failed \(/m,
    );
  });
});

describe('bad manifests', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'unknown key',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  max_paralel: 2\n',
      'CAMPAIGN_UNKNOWN_KEY',
      /bad\.yaml:5: policy\.max_paralel: unknown key/,
    ],
    [
      'placeholder without a value',
      'name: x\ncommand: node train.mjs --lr {lr}\nruns:\n  - {name: a}\n',
      'CAMPAIGN_PLACEHOLDER',
      /bad\.yaml:4: .*placeholder \{lr\} has no value/,
    ],
    [
      'duplicate entry names',
      'name: x\ncommand: t {a}\nruns:\n  - {name: r, a: 1}\n  - {name: r, a: 2}\n',
      'CAMPAIGN_DUPLICATE_ENTRY',
      /bad\.yaml:5: .*used twice/,
    ],
    ['empty grid', 'name: x\ncommand: t {a}\ngrid:\n  a: []\n', 'CAMPAIGN_EMPTY', /bad\.yaml:4: grid\.a: /],
    [
      'max_parallel 0',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  max_parallel: 0\n',
      'CAMPAIGN_MANIFEST_INVALID',
      /bad\.yaml:5: policy\.max_parallel/,
    ],
    [
      'negative timeout',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  timeout: -1h\n',
      'CAMPAIGN_MANIFEST_INVALID',
      /bad\.yaml:5: policy\.timeout: .*negative/,
    ],
    ['not YAML', 'name: x\ncommand: [unclosed\n', 'CAMPAIGN_MANIFEST_FORMAT', /bad\.yaml:\d+: not valid YAML/],
  ];
  // One ledger and every case at once: each launch is its own CLI process, and none may write anything.
  it('each is exit 2, error[CODE] naming the key and the line; the ledger stays byte-identical', async () => {
    const files = cases.map(([, text], i) => {
      mkdirSync(join(dir, `bad${i}`), { recursive: true });
      return writeManifest(join(dir, `bad${i}`), 'bad.yaml', text);
    });
    const before = await snapshotLedger(dir);
    // --json once: the error document is the same envelope for every code.
    const [json, ...runs] = await Promise.all([
      runlog(dir, ['campaign', 'launch', files[0]!, '--json']),
      ...files.map((m) => runlog(dir, ['campaign', 'launch', m])),
    ]);
    expect(json!.code).toBe(2);
    expect(ErrorOutput.parse(json!.json).error.code).toBe(cases[0]![2]);
    cases.forEach(([what, , code, message], i) => {
      const r = runs[i]!;
      expect(r.code, what).toBe(2);
      const e = stderrError(r.stderr);
      expect(e?.code, what).toBe(code);
      expect(e?.message, what).toMatch(message);
      expect(e?.hint, what).toBeTruthy();
    });
    expect(await snapshotLedger(dir)).toEqual(before);
  });

  it('a file that is neither YAML nor CSV, and a missing file', async () => {
    const m = writeManifest(dir, 'notes.txt', 'just words\n');
    const before = await snapshotLedger(dir);
    const r = await runlog(dir, ['campaign', 'launch', m]);
    expect(r.code).toBe(2);
    expect(stderrError(r.stderr)?.code).toBe('CAMPAIGN_MANIFEST_FORMAT');
    const missing = await runlog(dir, ['campaign', 'launch', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(4);
    expect(stderrError(missing.stderr)?.code).toBe('CAMPAIGN_MANIFEST_NOT_FOUND');
    const unknown = await runlog(dir, ['campaign', 'status', 'nope-00000000']);
    expect(unknown.code).toBe(4);
    expect(await snapshotLedger(dir)).toEqual(before);
  });

  it('defaults are non-zero: no policy means a 72h timeout, a 2h task timeout and a 30m heartbeat', async () => {
    const m = writeManifest(dir, 'plain.yaml', 'name: plain\ncommand: node train.mjs --steps {s}\ngrid: {s: [1]}\n');
    const r = CampaignLaunchOutput.parse((await runlogOk(dir, ['campaign', 'launch', m, '--dry-run', '--json'])).json);
    expect(r.policy).toMatchObject({
      timeout: '72h',
      task_timeout: '2h',
      heartbeat: '30m',
      max_parallel: 4,
      fail_fast: false,
      retries: 2,
    });
    expect(r.launched).toBe(false);
  });
});

describe('cancel', () => {
  it('stops running entries and cancels queued ones in one go', async () => {
    const m = writeManifest(
      dir,
      'long.yaml',
      'name: long\ncommand: node train.mjs --steps 200 --sleep-ms 100 --tag {t}\ngrid: {t: [a, b, c]}\npolicy: {max_parallel: 1}\n',
    );
    const { id } = await launch(dir, m);
    await runlogOk(dir, ['poll', '--json']);
    await waitFor(async () => (await status(dir, id)).summary.counts['running'] === 1, {
      timeoutMs: 20_000,
      what: 'the first entry to run',
    });
    const out = CampaignCancelOutput.parse(
      (await runlogOk(dir, ['campaign', 'cancel', id, '--reason', 'wrong data', '--json'])).json,
    );
    expect(out.stopped).toHaveLength(1);
    expect(out.canceled).toHaveLength(2);
    const { summary } = await status(dir, id);
    expect(summary.counts).toMatchObject({ canceled: 3, running: 0, pending: 0 });
    expect(summary.halted?.reason).toMatch(/wrong data/);
  });
});

describe('a supervisor killed mid-campaign', () => {
  it('SIGKILL while launching, then a restart: every entry launched exactly once', async () => {
    const m = writeManifest(
      dir,
      'kill.yaml',
      'name: kill\ncommand: node train.mjs --steps 8 --sleep-ms 150 --track kill.log --tag {t}\ngrid: {t: [a, b, c, d, e]}\npolicy: {max_parallel: 2}\n',
    );
    const { id } = await launch(dir, m);
    const first = spawnRunlog(dir, ['supervise', '--every', '200ms']);
    await waitFor(() => tracked(join(dir, 'kill.log')).length >= 1, { timeoutMs: 30_000, what: 'the first launch' });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    await superviseUntilIdle(dir, 90_000);
    const { summary } = await status(dir, id);
    expect(summary.counts['completed']).toBe(5);
    for (const r of summary.runs) expect(r.attempts).toBe(1);
    const starts = tracked(join(dir, 'kill.log'));
    expect(starts.map((s) => s.run).sort()).toEqual(summary.runs.map((r) => r.id).sort());
  });
});
