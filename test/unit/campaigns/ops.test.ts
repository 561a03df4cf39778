import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareCampaign } from '../../../src/campaigns/prepare.js';
import { parseSummary } from '../../../src/campaigns/summary.js';
import { ConfigSchema } from '../../../src/config/config.js';
import type { Applied } from '../../../src/core/operation.js';
import type { LedgerView } from '../../../src/git/ledger-repo.js';
import { applyCampaignHalt, applyCampaignLaunch, campaignSummaryWrites } from '../../../src/ledger/ops/campaign.js';
import { applyJobEnd, applyJobIntent, applyJobLaunch } from '../../../src/ledger/ops/jobs.js';
import { RunLogDoc } from '../../../src/markdown/runlog.js';

const tmp = mkdtempSync(join(tmpdir(), 'runlog-campaign-ops-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function ledger(): { view: LedgerView; files: Map<string, string> } {
  const files = new Map<string, string>();
  const view: LedgerView = {
    root: '/nonexistent-ledger',
    config: ConfigSchema.parse({}),
    read: (p) => files.get(p) ?? null,
  };
  return { view, files };
}

async function commit(l: ReturnType<typeof ledger>, a: Applied): Promise<void> {
  for (const w of (await campaignSummaryWrites(l.view, a)).writes) l.files.set(w.path, w.content);
}

function frozen(text: string) {
  const file = join(tmp, `m-${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, text);
  return prepareCampaign(file, {}, { argv: (a) => a, text: (t) => t }).frozen;
}

const at = '2026-05-01T10:00:00Z';

describe('campaign-launch', () => {
  it('writes every run log and the campaign files; the same args write the same bytes; a relaunch writes nothing', async () => {
    const f = frozen(
      'name: s\ncommand: node train.mjs --lr {lr}\ngrid: {lr: ["0.1", "0.2", "0.3"]}\nartifacts: [result.json]\n',
    );
    const l = ledger();
    const first = await applyCampaignLaunch(l.view, { manifest: f.manifest, date: '2026-05-01', at });
    const again = await applyCampaignLaunch(l.view, { manifest: f.manifest, date: '2026-05-01', at });
    expect(again.writes).toEqual(first.writes);
    await commit(l, first);
    const folder = `run_logs/${f.id}`;
    expect([...l.files.keys()].sort()).toEqual([
      `${folder}/2026-05-01_lr0.1.md`,
      `${folder}/2026-05-01_lr0.2.md`,
      `${folder}/2026-05-01_lr0.3.md`,
      `${folder}/campaign.md`,
      `${folder}/experiments.md`,
      `${folder}/manifest.yaml`,
      `${folder}/summary.json`,
      `${folder}/timeline.md`,
    ]);
    expect(l.files.get(`${folder}/manifest.yaml`)).toBe(f.text);
    const doc = new RunLogDoc(l.files.get(`${folder}/2026-05-01_lr0.2.md`)!, 'x');
    expect(doc.errors).toEqual([]);
    expect(doc.view.campaign).toBe(f.id);
    expect(doc.view.state).toBe('pending');
    expect(doc.view.config['command']).toBe('node train.mjs --lr 0.2');
    expect(doc.view.config['script']).toBe('train.mjs');
    const summary = parseSummary(l.files.get(`${folder}/summary.json`)!)!;
    expect(summary.counts['pending']).toBe(3);
    expect(summary.runs.map((r) => r.entry)).toEqual(['lr0.1', 'lr0.2', 'lr0.3']);
    const relaunch = await applyCampaignLaunch(l.view, {
      manifest: f.manifest,
      date: '2026-05-02',
      at: '2026-05-02T00:00:00Z',
    });
    expect(relaunch.writes).toEqual([]);
    expect(relaunch.result).toMatchObject({ id: f.id, launched: false });
    expect(relaunch.result.runs.map((r) => r.id)).toEqual(summary.runs.map((r) => r.id));
  });

  it('every state change of a campaign run rewrites its summary row and campaign.md in the same writes', async () => {
    const f = frozen(
      'name: s\ncommand: node train.mjs --lr {lr}\ngrid: {lr: ["0.1", "0.2"]}\npolicy: {fail_fast: true}\n',
    );
    const l = ledger();
    await commit(l, await applyCampaignLaunch(l.view, { manifest: f.manifest, date: '2026-05-01', at }));
    const run = `${f.id}/2026-05-01_lr0.1`;
    await commit(l, applyJobIntent(l.view, { run, key: `${run}#1`, attempt: 1, at, fields: [] }));
    await commit(
      l,
      applyJobLaunch(l.view, {
        run,
        key: `${run}#1`,
        at,
        state: 'running',
        fields: [['execution_id', '`local:1`']],
        message: 'launched',
      }),
    );
    let s = parseSummary(l.files.get(`run_logs/${f.id}/summary.json`)!)!;
    expect(s.counts).toMatchObject({ running: 1, pending: 1 });
    const ended = await applyJobEnd(l.view, {
      run,
      key: `${run}#1`,
      at,
      state: 'command_failed',
      failureClass: 'oom_gpu',
      reason: 'CUDA out of memory',
      metrics: {},
      fields: [],
    });
    const hooked = await campaignSummaryWrites(l.view, ended);
    expect(hooked.writes.map((w) => w.path).sort()).toEqual(
      [
        `run_logs/${run}.md`,
        `run_logs/${f.id}/campaign.md`,
        `run_logs/${f.id}/experiments.md`,
        `run_logs/${f.id}/summary.json`,
      ].sort(),
    );
    await commit(l, ended);
    s = parseSummary(l.files.get(`run_logs/${f.id}/summary.json`)!)!;
    expect(s.counts).toMatchObject({ command_failed: 1, pending: 1 });
    expect(s.failure_classes['oom_gpu']).toBe(1);
    expect(l.files.get(`run_logs/${f.id}/campaign.md`)).toMatch(
      /\| \[lr0\.1\]\(2026-05-01_lr0\.1\.md\) \| command_failed \| oom_gpu \| 1 \|/,
    );
    await commit(
      l,
      await applyCampaignHalt(l.view, {
        campaign: f.id,
        reason: 'fail_fast: lr0.1 failed (oom_gpu)',
        at,
        runs: [`${f.id}/2026-05-01_lr0.2`],
      }),
    );
    s = parseSummary(l.files.get(`run_logs/${f.id}/summary.json`)!)!;
    expect(s.halted?.reason).toBe('fail_fast: lr0.1 failed (oom_gpu)');
    expect(s.counts).toMatchObject({ command_failed: 1, canceled: 1, pending: 0 });
    expect(l.files.get(`run_logs/${f.id}/campaign.md`)).toContain('**Halted**');
  });

  it('a run log outside its campaign folder, or naming another campaign, changes no summary', async () => {
    const f = frozen('name: s\ncommand: t {x}\ngrid: {x: ["1"]}\n');
    const l = ledger();
    await commit(l, await applyCampaignLaunch(l.view, { manifest: f.manifest, date: '2026-05-01', at }));
    const before = l.files.get(`run_logs/${f.id}/summary.json`);
    const fake = l.files.get(`run_logs/${f.id}/2026-05-01_x1.md`)!.replace('state: pending', 'state: completed');
    const out = await campaignSummaryWrites(l.view, {
      writes: [{ path: `run_logs/other/2026-05-01_x1.md`, content: fake }],
      subject: '',
      result: null,
    });
    expect(out.writes).toHaveLength(1);
    expect(l.files.get(`run_logs/${f.id}/summary.json`)).toBe(before);
  });

  it('launches a 1,000-entry grid in one apply', async () => {
    const f = frozen(
      `name: big\ncommand: node train.mjs --lr {lr} --seed {seed}\ngrid:\n  lr: [${Array.from({ length: 100 }, (_, i) => `"${i}"`).join(', ')}]\n  seed: [0,1,2,3,4,5,6,7,8,9]\n`,
    );
    const l = ledger();
    const t0 = Date.now();
    const a = await applyCampaignLaunch(l.view, { manifest: f.manifest, date: '2026-05-01', at });
    const ms = Date.now() - t0;
    expect(a.writes.length).toBe(1000 + 5);
    expect(JSON.stringify({ manifest: f.manifest }).length).toBeLessThan(400_000);
    console.log(`1,000-entry launch apply: ${ms} ms`);
  });
});
