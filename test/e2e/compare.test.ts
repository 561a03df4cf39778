/**
 * A researcher reviews a sweep: four runs recorded with runlog (differing in
 * one setting, in two, and not at all) and one kept by hand beside them,
 * compared as a terminal table, a GFM table pasted into a PR, and JSON.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { Link, Table } from 'mdast';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompareOutput, type CompareResult } from '../../src/schemas/output.js';
import {
  git,
  makeLedger,
  newRun,
  runlog,
  runlogOk,
  snapshotLedger,
  stderrError,
  type TempLedger,
} from '../support/ledger.js';

const HAND = `# sweep_hand — kept by hand before runlog

## Mode
- run_type: experiment
- objective: the same sweep point, recorded by hand

## Config
- script: \`train.py\`
- key settings: lr=3e-4; batch=256, bf16

## Job
- job_id: 4419021
- runtime: \`01:00:00\`

## Job (resubmit)
- job_id: 4419090
- runtime: \`00:30:00\`

## Status
- 2026-03-22 10:00 UTC — submitted job 4419021, PD
- 2026-03-22 11:00 UTC — RUNNING on nid001, step 100, loss 1.5
- 2026-03-22 12:30 UTC — completed, exit code 0

## Results
- final step: 1,000
- start_train_loss: \`1.9\`
- end_train_loss: \`0.25\`
- val_loss: \`0.31\`
- checkpoint: \`/scratch/ana/ckpt/step-1000\`
`;

/** A node's text, as a reader of the rendered table sees it. */
function text(node: { value?: string; children?: unknown[] }): string {
  return node.value ?? (node.children ?? []).map((c) => text(c as { value?: string })).join('');
}

async function compare(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CompareResult> {
  const r = await runlogOk(cwd, ['compare', ...args, '--json'], { env });
  return CompareOutput.parse(r.json);
}

describe('runlog compare', () => {
  let l: TempLedger;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-compare-' });
    const make = async (task: string, settings: string[]) => {
      ids[task] = await newRun(l.main, task, { group: 'sweep', extra: settings.flatMap((s) => ['--setting', s]) });
    };
    await make('base', ['lr=3e-4', 'batch=256']);
    await make('same', ['lr=0.0003', 'batch=256']);
    await make('lr', ['lr=1e-4', 'batch=256']);
    await make('two', ['lr=1e-4', 'batch=128', 'note=wide|deep']);
    for (const [task, val] of [
      ['base', 0.12],
      ['same', 0.125],
      ['lr', 0.2],
      ['two', 0.31],
    ] as const) {
      await runlogOk(l.main, [
        'append',
        ids[task]!,
        'started',
        '--state',
        'running',
        '--step',
        '100',
        '--metric',
        'train_loss=0.9',
      ]);
      if (task !== 'two')
        await runlogOk(l.main, [
          'complete',
          ids[task]!,
          '--final-step',
          '500',
          '--metric',
          `val_loss=${val}`,
          '--metric',
          'train_loss=0.4',
        ]);
    }
    await runlogOk(l.main, ['fail', ids['two']!, '--class', 'oom_gpu', '--reason', 'CUDA out of memory at step 120']);
    writeFileSync(join(l.main, 'run_logs', 'sweep', '2026-03-22_sweep_hand.md'), HAND);
    await git(l.main, ['add', '-A']);
    await git(l.main, ['commit', '-q', '-m', 'a run log kept by hand']);
  });
  afterAll(() => l?.cleanup());

  it('runs that differ in no setting: no setting column, the shared values listed once', async () => {
    const c = await compare(l.main, [ids['base']!, ids['same']!]);
    expect(c.runs.map((r) => r.id)).toEqual([ids['base'], ids['same']]);
    // 3e-4 and 0.0003 are the same learning rate.
    expect(c.columns.settings).toEqual([]);
    expect(c.common).toEqual({ lr: '3e-4', batch: '256' });
    expect(c.columns.metrics.slice(0, 2)).toEqual(['train_loss', 'val_loss']);
    expect(c.runs.map((r) => r.metrics['val_loss'])).toEqual([0.12, 0.125]);
    const human = (await runlogOk(l.main, ['compare', ids['base']!, ids['same']!])).stdout;
    expect(human).toMatch(/same in all 2 runs: lr=3e-4, batch=256/);
    expect(human.split('\n')[0]).not.toMatch(/\blr\b/);
  });

  it('runs that differ in one setting, and in two: exactly those become columns', async () => {
    const one = await compare(l.main, [ids['base']!, ids['lr']!]);
    expect(one.columns.settings).toEqual(['lr']);
    expect(one.runs.map((r) => r.settings['lr'])).toEqual(['3e-4', '1e-4']);
    const two = await compare(l.main, [ids['base']!, ids['two']!]);
    expect(two.columns.settings).toEqual(['lr', 'batch', 'note']);
    expect(two.common).toEqual({});
    const failed = two.runs[1]!;
    expect(failed).toMatchObject({ state: 'command_failed', failureClass: 'oom_gpu', attempts: 1, step: 100 });
    // Metrics both runs have come first; the failed run never wrote val_loss.
    expect(two.sharedMetrics).toEqual(['train_loss']);
    expect(two.columns.metrics).toEqual(['train_loss', 'val_loss']);
    const all = await compare(l.main, [ids['base']!, ids['lr']!, '--all-params']);
    expect(all.columns.settings).toEqual(['lr', 'batch']);
  });

  it("a hand-kept run beside runlog's own: settings from its key settings line, metrics from Results and Status", async () => {
    const c = await compare(l.main, [ids['base']!, '2026-03-22_sweep_hand']);
    const hand = c.runs[1]!;
    expect(hand).toMatchObject({
      id: 'sweep/2026-03-22_sweep_hand',
      state: 'completed',
      stateInferred: true,
      runType: 'experiment',
      attempts: 2,
      step: 1000,
      runtime: '01:30:00',
      runtimeSeconds: 5400,
    });
    expect(hand.settings).toEqual({ script: 'train.py', lr: '3e-4', batch: '256', bf16: 'on' });
    expect(hand.metrics).toEqual({ loss: 1.5, train_loss: 0.25, val_loss: 0.31 });
    expect(c.columns.settings).toEqual(['script', 'bf16']);
    expect(c.common).toEqual({ lr: '3e-4', batch: '256' });
    expect(c.sharedMetrics).toEqual(['train_loss', 'val_loss']);
    // Nothing was written to the hand-kept file, nor committed.
    expect((await git(l.main, ['status', '--porcelain'])).trim()).toBe('');
  });

  it('--group, --state and --sort: the completed runs of the folder, best val_loss first, missing values last', async () => {
    const c = await compare(l.main, ['--group', 'sweep', '--sort', 'val_loss']);
    expect(c.runs.map((r) => r.id.split('_').pop())).toEqual(['base', 'same', 'lr', 'hand', 'two']);
    const desc = await compare(l.main, ['--group', 'sweep', '--state', 'completed', '--sort=-val_loss']);
    expect(desc.runs.map((r) => r.metrics['val_loss'])).toEqual([0.31, 0.2, 0.125, 0.12]);
    const only = await compare(l.main, ['--group', 'sweep', '--metric', 'val_loss']);
    expect(only.columns.metrics).toEqual(['val_loss']);
    expect(only.runs.every((r) => Object.keys(r.metrics).every((k) => k === 'val_loss'))).toBe(true);
  });

  it('--campaign: the runs whose front matter names it', async () => {
    for (const t of ['lr', 'two']) {
      const p = join(l.main, 'run_logs', `${ids[t]}.md`);
      const text = readFileSync(p, 'utf8').replace(/^campaign: null$/m, 'campaign: lr-sweep');
      writeFileSync(p, text);
    }
    await git(l.main, ['commit', '-qam', 'put two runs in a campaign']);
    const c = await compare(l.main, ['--campaign', 'lr-sweep']);
    expect(c.runs.map((r) => r.id).sort()).toEqual([ids['lr'], ids['two']].sort());
    expect(c.runs.every((r) => r.campaign === 'lr-sweep')).toBe(true);
    expect((await compare(l.main, ['--campaign', 'nope'])).runs).toEqual([]);
  });

  it('--md is a GFM table (pipes escaped) whose links open the run logs from where it was printed', async () => {
    const cwd = join(l.main, 'run_logs');
    const md = (await runlogOk(cwd, ['compare', ids['base']!, ids['two']!, '2026-03-22_sweep_hand', '--md'])).stdout;
    const tree = unified().use(remarkParse).use(remarkGfm).parse(md);
    const tables = tree.children.filter((n): n is Table => n.type === 'table');
    expect(tables).toHaveLength(1);
    const [head, ...rows] = tables[0]!.children.map((row) => row.children.map((cell) => text(cell)));
    expect(head!.slice(0, 4)).toEqual(['run', 'state', 'class', 'attempts']);
    expect(rows).toHaveLength(3);
    const col = (name: string) => head!.indexOf(name);
    expect(rows.map((r) => r[col('lr')])).toEqual(['3e-4', '1e-4', '3e-4']);
    expect(rows[1]![col('note')]).toBe('wide|deep');
    expect(rows[1]![col('class')]).toBe('oom_gpu');
    expect(rows.every((r) => r.length === head!.length)).toBe(true);
    const links = tables[0]!.children.slice(1).map((row) => row.children[0]!.children[0] as Link);
    expect(links.map((a) => a.type)).toEqual(['link', 'link', 'link']);
    for (const a of links) expect(existsSync(resolve(cwd, a.url)), a.url).toBe(true);
    expect(links[0]!.url).toBe(`${ids['base']}.md`);
  });

  it('the terminal table fits the width: cells cut with …, no row wraps; without a terminal, 120 columns', async () => {
    for (const cols of [60, 90]) {
      const out = (
        await runlogOk(l.main, ['compare', '--group', 'sweep', '--all-params'], { env: { COLUMNS: String(cols) } })
      ).stdout;
      const lines = out.replace(/\n$/, '').split('\n');
      expect(
        lines.every((line) => [...line].length <= cols),
        out,
      ).toBe(true);
      // header, rule, one line per run
      expect(lines.filter((line) => /^…?\S*sweep|^…/.test(line))).toHaveLength(5);
      expect(out).toContain('…');
    }
    const wide = (await runlogOk(l.main, ['compare', '--group', 'sweep', '--all-params'])).stdout;
    expect(wide.split('\n').every((line) => [...line].length <= 120)).toBe(true);
  });

  it("escape sequences from another clone's run log never reach the terminal", async () => {
    mkdirSync(join(l.main, 'run_logs', 'evil'), { recursive: true });
    const evil = HAND.replace(
      'lr=3e-4; batch=256',
      'lr=\u001b]0;owned\u0007 3e-4; batch=\u001b[2J256\u009b31m',
    ).replace('loss 1.5', 'loss 1.5 \u001b[8m');
    writeFileSync(join(l.main, 'run_logs', 'evil', '2026-03-22_a.md'), evil);
    writeFileSync(join(l.main, 'run_logs', 'evil', '2026-03-22_b.md'), HAND);
    await git(l.main, ['add', '-A']);
    await git(l.main, ['commit', '-qm', 'hostile run log']);
    const outs = [
      (await runlogOk(l.main, ['compare', '--group', 'evil'])).stdout,
      (await runlogOk(l.main, ['compare', '--group', 'evil', '--md'])).stdout,
      (await runlogOk(l.main, ['diff', 'evil/2026-03-22_a', 'evil/2026-03-22_b'])).stdout,
      (await runlogOk(l.main, ['history', 'evil/2026-03-22_a', '--entries'])).stdout,
    ];
    for (const out of outs) {
      expect(JSON.stringify(out.match(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/))).toBe('null');
      expect(out).toMatch(/\?\[(?:2J256|8m)/);
    }
    // --json keeps the bytes (JSON escapes them): a program reading it sees what the file says.
    const c = await compare(l.main, ['--group', 'evil']);
    expect(c.runs[0]!.settings['batch']).toBe('\u001b[2J256\u009b31m');
  });

  it('bad input is a usage error that changes nothing', async () => {
    const before = await snapshotLedger(l.main);
    for (const [args, code, exit] of [
      [['--group', 'sweep', '--sort', 'nope'], 'BAD_SORT', 2],
      [['--group', 'sweep', '--metric', 'bleu'], 'UNKNOWN_METRIC', 2],
      [[ids['base']!, '--group', 'sweep'], 'BAD_SELECTION', 2],
      [[], 'NO_RUNS_SELECTED', 2],
      [['--group', 'nope'], 'GROUP_NOT_FOUND', 4],
      [['2026-03-22_nope', ids['base']!], 'RUN_NOT_FOUND', 4],
    ] as const) {
      const r = await runlog(l.main, ['compare', ...args]);
      expect(r.code, args.join(' ')).toBe(exit);
      expect(stderrError(r.stderr)?.code).toBe(code);
    }
    expect(await snapshotLedger(l.main)).toEqual(before);
  });
});
