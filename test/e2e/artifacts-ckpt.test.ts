/**
 * `runlog ckpt …` end to end: the built CLI against real checkpoint dirs,
 * a real ledger and a bare remote. Steps 9, 10, 100, 1000 make a string sort wrong.
 */
import { appendFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CkptListOutput,
  CkptPassportOutput,
  CkptPickOutput,
  CkptPruneOutput,
  CkptSignoffOutput,
  CkptVerifyOutput,
  CompleteOutput,
  ErrorOutput,
} from '../../src/schemas/output.js';
import { git, makeCheckpoint, makeLedger, run, runLog, type TestLedger } from '../support/artifacts.js';

let L: TestLedger;
let out: string;
const RUN = 'run_logs/g/2026-03-11_train.md';

beforeEach(async () => {
  L = await makeLedger();
  out = path.join(L.dir, 'out');
  for (const step of [9, 10, 100, 1000]) await makeCheckpoint(path.join(out, 'checkpoints', String(step)));
  await makeCheckpoint(path.join(out, 'checkpoints', '1001'), { complete: false });
  await makeCheckpoint(path.join(out, 'checkpoints', '50'), { complete: false });
});
afterEach(async () => L.cleanup());

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe('ckpt list', () => {
  it('sorts by numeric step, marks completeness and the lineage the run log records', async () => {
    await L.commitFile(
      RUN,
      runLog({
        outputRoot: out,
        checkpoint: path.join(out, 'checkpoints/1000'),
        extraJob: `- initialize_from: \`${out}/checkpoints/9\`\n- milestones: 100\n`,
      }),
    );
    const r = await L.cli(['ckpt', 'list', 'g/2026-03-11_train', '--json']);
    expect(r.code).toBe(0);
    const res = CkptListOutput.parse(r.json());
    expect(res.checkpoints.map((c) => c.step)).toEqual([9, 10, 50, 100, 1000, 1001]);
    expect(res.checkpoints.filter((c) => !c.complete).map((c) => c.step)).toEqual([50, 1001]);
    expect(res.checkpoints.find((c) => c.step === 9)?.lineage).toEqual(['launch_source']);
    expect(res.checkpoints.find((c) => c.step === 100)?.lineage).toEqual(['milestone']);
    expect(res.run).toBe('g/2026-03-11_train');
  });

  it('accepts an output root directory instead of a run', async () => {
    const r = await L.cli(['ckpt', 'list', out]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').slice(1);
    expect(lines.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([9, 10, 50, 100, 1000, 1001]);
    expect(lines[5]).toContain('INCOMPLETE');
  });

  it('says how to name the output root when the run log has none', async () => {
    await L.commitFile(
      RUN,
      '# t\n\n## Mode\n- run_type: experiment\n\n## Status\n- 2026-03-11 15:00 UTC — running, step 1\n',
    );
    const r = await L.cli(['ckpt', 'list', '2026-03-11_train', '--json']);
    expect(r.code).toBe(4);
    expect(ErrorOutput.parse(r.json()).error.code).toBe('OUTPUT_ROOT_UNKNOWN');
  });
});

describe('ckpt pick', () => {
  beforeEach(async () => L.commitFile(RUN, runLog({ outputRoot: out })));

  it('picks the newest complete checkpoint and says what it skipped', async () => {
    const r = await L.cli(['ckpt', 'pick', '2026-03-11_train', '--json']);
    expect(r.code).toBe(0);
    const res = CkptPickOutput.parse(r.json());
    expect(res.checkpoint.step).toBe(1000);
    expect(res.skipped).toEqual([{ path: path.join(out, 'checkpoints/1001'), step: 1001, reason: 'incomplete' }]);
  });

  it('refuses a named checkpoint without metadata.json', async () => {
    const r = await L.cli(['ckpt', 'pick', '2026-03-11_train', '--checkpoint', path.join(out, 'checkpoints/1001')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error[CHECKPOINT_INCOMPLETE]');
  });

  it('with no complete checkpoint, tells to escalate instead of guessing', async () => {
    const empty = path.join(L.dir, 'empty');
    await makeCheckpoint(path.join(empty, 'checkpoints/5'), { complete: false });
    const r = await L.cli(['ckpt', 'pick', empty, '--json']);
    expect(r.code).toBe(1);
    const e = ErrorOutput.parse(r.json()).error;
    expect(e.code).toBe('NO_COMPLETE_CHECKPOINT');
    expect(e.hint).toMatch(/escalate/);
  });
});

describe('ckpt prune', () => {
  beforeEach(async () => {
    for (const step of [20, 30, 500]) await makeCheckpoint(path.join(out, 'checkpoints', String(step)));
    const log = runLog({
      outputRoot: out,
      checkpoint: path.join(out, 'checkpoints/1000'),
      extraJob: `- initialize_from: \`${out}/checkpoints/9\`\n`,
    }).replace(
      '## Status',
      `## Job (resumed)\n- execution_id: 4242425\n- resumed from: \`${out}/checkpoints/10\`\n\n## Status`,
    );
    await L.commitFile(RUN, log);
  });

  it('lists candidates without deleting, then deletes only them with --yes and records it', async () => {
    const dry = await L.cli(['ckpt', 'prune', '2026-03-11_train', '--keep-last', '1', '--milestone', '100', '--json']);
    expect(dry.code).toBe(0);
    const plan = CkptPruneOutput.parse(dry.json());
    expect(plan.dryRun).toBe(true);
    expect(plan.delete.map((d) => d.step)).toEqual([20, 30, 50, 500]);
    const reasons = Object.fromEntries(plan.keep.map((k) => [k.step, k.reasons]));
    expect(reasons).toMatchObject({
      9: ['launch_source'],
      10: ['recovery_source'],
      100: ['milestone'],
      1001: ['in_progress'],
    });
    expect(reasons[1000]).toEqual(expect.arrayContaining(['latest', 'final']));
    for (const step of [20, 30, 500]) expect(await exists(path.join(out, 'checkpoints', String(step)))).toBe(true);

    const done = await L.cli([
      'ckpt',
      'prune',
      '2026-03-11_train',
      '--keep-last',
      '1',
      '--milestone',
      '100',
      '--yes',
      '--json',
    ]);
    expect(done.code).toBe(0);
    const res = CkptPruneOutput.parse(done.json());
    expect(res.removed.map((d) => d.step)).toEqual([20, 30, 50, 500]);
    for (const step of [9, 10, 100, 1000, 1001])
      expect(await exists(path.join(out, 'checkpoints', String(step)))).toBe(true);
    for (const step of [20, 30, 50, 500]) expect(await exists(path.join(out, 'checkpoints', String(step)))).toBe(false);
    expect(res.pushed).toBe(true);
    expect(await git(L.root, 'log', '-1', '--format=%s', 'origin/main')).toBe(
      'g/2026-03-11_train: log checkpoint prune',
    );
    const text = await readFile(path.join(L.root, RUN), 'utf8');
    expect(text).toMatch(/— pruned 4 checkpoint\(s\) under `.*`: step 20, 30, 50, 500; kept 9 \(launch_source\)/);
  });

  it('keeps everything protected even with --keep-last 0', async () => {
    const r = await L.cli(['ckpt', 'prune', '2026-03-11_train', '--keep-last', '0', '--yes', '--json']);
    expect(r.code).toBe(0);
    for (const step of [9, 10, 1000, 1001])
      expect(await exists(path.join(out, 'checkpoints', String(step)))).toBe(true);
    expect(CkptPruneOutput.parse(r.json()).removed.map((d) => d.step)).toEqual([20, 30, 50, 100, 500]);
  });
});

describe('ckpt passport / signoff / verify', () => {
  let sha: string;
  let ckpt: string;
  beforeEach(async () => {
    ckpt = path.join(out, 'checkpoints/1000');
    await mkdir(path.join(ckpt, 'params'), { recursive: true });
    await writeFile(path.join(ckpt, 'params/optimizer.bin'), 'opt');
    await writeFile(path.join(out, 'config.yaml'), 'lr: 3e-4\n');
    sha = await git(L.root, 'rev-parse', 'HEAD');
    await L.cli([
      'new',
      'train',
      '--type',
      'experiment',
      '--objective',
      'baseline',
      '--group',
      'g',
      '--date',
      '2026-03-11',
    ]);
    // The executor records these in the Job block at launch.
    const file = path.join(L.root, RUN);
    const text = (await readFile(file, 'utf8')).replace(
      '- created:',
      `- git_sha: ${sha}\n- output_root: \`${out}\`\n- config_snapshot: \`${out}/config.yaml\`\n- created:`,
    );
    await L.commitFile(RUN, text);
    await L.cli(['append', '2026-03-11_train', 'started', '--state', 'running', '--step', '1']);
  });

  it('complete gates eval/upload behind passport and signoff; each step moves the gate; verify checks the files', async () => {
    const done = await L.cli(['complete', '2026-03-11_train', '--final-step', '1000', '--checkpoint', ckpt, '--json']);
    expect(done.code).toBe(0);
    CompleteOutput.parse(done.json());
    const next = async () => (await readFile(path.join(L.root, RUN), 'utf8')).split('## Next')[1]!;
    expect(await next()).toMatch(/before eval or upload: generate `MODEL_PASSPORT.json` \+ `SIGNOFF.json`/);
    expect(await next()).not.toMatch(/may proceed/);

    const p = await L.cli(['ckpt', 'passport', ckpt, '--json']);
    expect(p.code, p.stdout + p.stderr).toBe(0);
    const passport = CkptPassportOutput.parse(p.json());
    expect(passport.run).toBe('g/2026-03-11_train');
    const json = JSON.parse(await readFile(path.join(ckpt, 'MODEL_PASSPORT.json'), 'utf8'));
    expect(json.schema_version).toBe('0.2');
    // A remote that is a path on this machine is named, not published.
    expect(json.provenance).toMatchObject({
      training_repo_commit: sha,
      run_log_path: RUN,
      training_repo: 'remote',
      config_snapshot_path: 'config.yaml',
    });
    expect(json.provenance.merged_config_sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.runlog).toEqual({ run_id: 'g/2026-03-11_train', step: 1000, attempt: 1 });
    expect(json.weight_integrity.weight_files.map((w: { path: string }) => w.path)).toEqual([
      'metadata.json',
      'model.safetensors',
      'params/optimizer.bin',
    ]);
    expect(await next()).toMatch(/before eval or upload: passport written .*sign it off first/);

    const unsigned = await L.cli(['ckpt', 'verify', ckpt, '--require-signoff', '--json']);
    expect(unsigned.code).toBe(1);
    expect(CkptVerifyOutput.parse(unsigned.json()).failures.map((f) => f.check)).toEqual(['signoff']);

    const s = await L.cli(['ckpt', 'signoff', ckpt, '--verdict', 'pass', '--json']);
    expect(s.code, s.stderr).toBe(0);
    expect(CkptSignoffOutput.parse(s.json())).toMatchObject({
      verdict: 'pass',
      run: 'g/2026-03-11_train',
      artifacts: 4,
      pushed: true,
    });
    expect(await next()).toMatch(
      /verified passport and signoff \(verdict pass\); eval \/ upload \/ hand off may proceed/,
    );
    const text = await readFile(path.join(L.root, RUN), 'utf8');
    expect(text).toMatch(/- passport: `MODEL_PASSPORT.json` sha256 `[0-9a-f]{64}`/);
    expect(text).toMatch(/- signoff: `pass`/);

    const ok = await L.cli(['ckpt', 'verify', ckpt, '--require-signoff', '--json']);
    expect(ok.code).toBe(0);
    expect(CkptVerifyOutput.parse(ok.json()).ok).toBe(true);
    expect(await pythonValidate(ckpt)).toEqual([]);

    await writeFile(path.join(ckpt, 'extra.pt'), 'unlisted');
    const bad = await L.cli(['ckpt', 'verify', ckpt, '--require-signoff']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unlisted_weight: weight file extra.pt is not listed in the passport');
    expect(await pythonValidate(ckpt)).toEqual(['unlisted weight extra.pt']);
  });

  it('refuses a soft_signal without a reason and a passport without a launch commit', async () => {
    const orphan = await makeCheckpoint(path.join(L.dir, 'elsewhere/checkpoints/7'));
    const noRun = await L.cli(['ckpt', 'passport', orphan, '--json']);
    expect(noRun.code).toBe(2);
    expect(ErrorOutput.parse(noRun.json()).error.code).toBe('RUN_REQUIRED');
    await L.cli(['ckpt', 'passport', ckpt]);
    const soft = await L.cli(['ckpt', 'signoff', ckpt, '--verdict', 'soft_signal', '--json']);
    expect(soft.code).toBe(2);
    expect(ErrorOutput.parse(soft.json()).error.code).toBe('SIGNOFF_REASON_REQUIRED');
    expect(await exists(path.join(ckpt, 'SIGNOFF.json'))).toBe(false);
  });

  it('accepts a passport and signoff the Python tool wrote', async () => {
    const pkg = path.join(L.dir, 'pkg');
    await makeCheckpoint(path.join(pkg, 'checkpoints/30000/params'), {
      complete: false,
      weights: { 'model.safetensors': 'w1' },
    });
    const py = await run('python3', ['-c', PY_WRITE, pkg], { cwd: L.dir });
    expect(py.code, py.stderr).toBe(0);
    const r = await L.cli(['ckpt', 'verify', pkg, '--require-signoff', '--json']);
    expect(r.code, r.stdout).toBe(0);
    expect(CkptVerifyOutput.parse(r.json())).toMatchObject({
      ok: true,
      signoff: { verdict: 'pass', signed_by: { tool: 'sign-checkpoint' } },
    });
    await appendFile(path.join(pkg, 'checkpoints/30000/params/model.safetensors'), 'x');
    expect((await L.cli(['ckpt', 'verify', pkg, '--require-signoff'])).code).toBe(1);
  });
});

/** Written the way the Python tools write them: json.dumps(indent=2) with nulls and empties dropped. */
const PY_WRITE = String.raw`
import hashlib, json, os, sys
root = sys.argv[1]
def sha(p):
    return hashlib.sha256(open(p, 'rb').read()).hexdigest()
files = []
for d, _, names in os.walk(root):
    for n in names:
        rel = os.path.relpath(os.path.join(d, n), root).replace(os.sep, '/')
        files.append({'path': rel, 'sha256': sha(os.path.join(root, rel)), 'size_bytes': os.path.getsize(os.path.join(root, rel))})
files.sort(key=lambda f: f['path'])
passport = {'schema_version': '0.2', 'generated_by': 'checkpoint-passport', 'generated_at': '2026-03-22T10:00:00Z',
            'stack': {'framework': 'jax'}, 'provenance': {'training_repo_commit': 'b' * 40}, 'weight_integrity': {'weight_files': files}}
text = json.dumps(passport, indent=2) + '\n'
open(os.path.join(root, 'MODEL_PASSPORT.json'), 'w').write(text)
signoff = {'schema_version': '0.2', 'signed_at': '2026-03-22T10:05:00Z', 'signed_by': {'tool': 'sign-checkpoint', 'version': '0.2.3'},
           'artifacts': [{'path': 'MODEL_PASSPORT.json', 'sha256': hashlib.sha256(text.encode()).hexdigest()}] + [{'path': f['path'], 'sha256': f['sha256']} for f in files],
           'verdict': 'pass', 'verdict_reason': None}
open(os.path.join(root, 'SIGNOFF.json'), 'w').write(json.dumps(signoff, indent=2) + '\n')
`;

/** The other tool's validate-checkpoint --require-signoff checks, in Python. */
const PY_VALIDATE = String.raw`
import hashlib, json, os, sys
root = os.path.realpath(sys.argv[1]); errors = []
pb = open(os.path.join(root, 'MODEL_PASSPORT.json'), 'rb').read(); passport = json.loads(pb)
if not passport.get('provenance', {}).get('training_repo_commit'): errors.append('training_repo_commit missing')
signoff = json.load(open(os.path.join(root, 'SIGNOFF.json')))
for k in ['schema_version', 'signed_at', 'signed_by', 'artifacts', 'verdict', 'verdict_reason']:
    if k not in signoff: errors.append('signoff key ' + k)
if signoff['artifacts'][0] != {'path': 'MODEL_PASSPORT.json', 'sha256': hashlib.sha256(pb).hexdigest()}: errors.append('passport sha256')
listed = set()
for a in signoff['artifacts'][1:]:
    listed.add(a['path']); real = os.path.realpath(os.path.join(root, a['path']))
    if not real.startswith(root + os.sep) or not os.path.isfile(real): errors.append('artifact ' + a['path'])
    elif hashlib.sha256(open(real, 'rb').read()).hexdigest() != a['sha256']: errors.append('sha256 ' + a['path'])
for d, _, names in os.walk(root):
    for n in names:
        rel = os.path.relpath(os.path.join(d, n), root).replace(os.sep, '/')
        if n.endswith(('.safetensors', '.bin', '.pt', '.pth', '.ckpt')) and rel not in listed: errors.append('unlisted weight ' + rel)
print(json.dumps(errors))
`;

async function pythonValidate(dir: string): Promise<string[]> {
  const r = await run('python3', ['-c', PY_VALIDATE, dir], { cwd: dir });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as string[];
}
