import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandManifest, splitWords } from '../../../src/campaigns/expand.js';
import { parseFrozen, renderFrozen } from '../../../src/campaigns/freeze.js';
import { validateManifest } from '../../../src/campaigns/manifest.js';
import { entryClocks } from '../../../src/campaigns/policy.js';
import { prepareCampaign } from '../../../src/campaigns/prepare.js';
import { parseCsv, parseManifestText } from '../../../src/campaigns/source.js';
import { RunlogError } from '../../../src/core/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'runlog-manifest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const identity = { argv: (a: string[]) => a, text: (t: string) => t };
const redact = {
  argv: (a: string[]) => a.map((w) => w.replace(/sk-[a-z0-9]+/g, '[REDACTED]')),
  text: (t: string) => t.replace(/sk-[a-z0-9]+/g, '[REDACTED]'),
};

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function prepare(text: string, name = 'm.yaml') {
  return prepareCampaign(write(name, text), {}, identity);
}

function failure(text: string, name = 'm.yaml'): RunlogError {
  try {
    prepare(text, name);
  } catch (err) {
    expect(err).toBeInstanceOf(RunlogError);
    return err as RunlogError;
  }
  throw new Error('expected the manifest to be refused');
}

const SWEEP = `name: lr-sweep
command: python train.py --lr {lr} --seed {seed}
grid:
  lr: [1e-4, 3e-4]
  seed: [0, 1]
runs:
  - {name: baseline, lr: 3e-4, seed: 0, retries: 0}
policy:
  max_parallel: 2
artifacts: [result.json]
`;

describe('manifest → frozen campaign', () => {
  it('expands the grid (first key outermost), keeps values as written, then the explicit runs', () => {
    const { frozen } = prepare(SWEEP);
    const m = frozen.manifest;
    expect(m.entries.map((e) => e.name)).toEqual([
      'lr1e-4_seed0',
      'lr1e-4_seed1',
      'lr3e-4_seed0',
      'lr3e-4_seed1',
      'baseline',
    ]);
    expect(m.entries[0]!.command).toEqual(['python', 'train.py', '--lr', '1e-4', '--seed', '0']);
    expect(m.entries[4]!.policy).toEqual({ retries: 0 });
    expect(m.policy.max_parallel).toBe(2);
    expect(m.policy.timeout).toBe('72h');
    expect(m.policy.task_timeout).toBe('2h');
    expect(frozen.id).toMatch(/^lr-sweep-[0-9a-f]{8}$/);
  });

  it('freezes to the same bytes and id however the keys were ordered; any change is a new id', () => {
    const a = prepare(SWEEP);
    const reordered = prepare(
      `policy: {max_parallel: 2}\nartifacts: [result.json]\nname: lr-sweep\nruns:\n  - {seed: 0, lr: 3e-4, retries: 0, name: baseline}\ncommand: python train.py --lr {lr} --seed {seed}\ngrid:\n  lr: [1e-4, 3e-4]\n  seed: [0, 1]\n`,
    );
    expect(reordered.frozen.text).toBe(a.frozen.text);
    expect(reordered.frozen.id).toBe(a.frozen.id);
    const edited = prepare(SWEEP.replace('max_parallel: 2', 'max_parallel: 3'));
    expect(edited.frozen.id).not.toBe(a.frozen.id);
  });

  it('the frozen text parses back to itself and a hand edit is detected', () => {
    const { frozen } = prepare(SWEEP);
    expect(renderFrozen(parseFrozen(frozen.text, frozen.id, 'manifest.yaml').manifest)).toBe(frozen.text);
    expect(() => parseFrozen(frozen.text.replace('"1e-4"', '"1e-5"'), frozen.id, 'manifest.yaml')).toThrow(
      /does not hash/,
    );
  });

  it('a value with spaces or shell characters stays one argument', () => {
    const { frozen } = prepare(`name: s\ncommand: ["run.sh", "--tag", "{tag}"]\nruns:\n  - {tag: "a b; rm -rf /"}\n`);
    expect(frozen.manifest.entries[0]!.command).toEqual(['run.sh', '--tag', 'a b; rm -rf /']);
    expect(splitWords(`python "a b" 'c d' e\\ f`)).toEqual(['python', 'a b', 'c d', 'e f']);
  });

  it('scrubs secrets from the recorded commands; the exact form keeps them for this machine', () => {
    const p = prepareCampaign(
      write('s.yaml', 'name: s\ncommand: train --key sk-abc123 --lr {lr}\ngrid: {lr: [1]}\n'),
      {},
      redact,
    );
    expect(p.frozen.text).not.toContain('sk-abc123');
    expect(p.exact.manifest.entries[0]!.command).toContain('sk-abc123');
    expect(p.frozen.manifest.entries.map((e) => e.name)).toEqual(p.exact.manifest.entries.map((e) => e.name));
  });

  it('reads CSV: a header of parameters, optional name and command columns', () => {
    const { frozen } = prepare(
      'name,command,lr\nfirst,train --lr {lr},0.1\nsecond,"train --lr {lr} --note ""x,y""",0.2\n',
      'grid.csv',
    );
    expect(frozen.manifest.name).toBe('grid');
    expect(frozen.manifest.entries.map((e) => e.name)).toEqual(['first', 'second']);
    expect(frozen.manifest.entries[1]!.command).toEqual(['train', '--lr', '0.2', '--note', 'x,y']);
    expect(parseCsv('a,b\r\n"1\n2",3\n')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1\n2', '3'], line: 2 },
    ]);
  });

  it('task entries take task_timeout; `none` must be written to lift a limit', () => {
    const { frozen } = prepare('name: t\ncommand: eval {x}\nruns:\n  - {x: 1, kind: task}\npolicy: {timeout: none}\n');
    expect(frozen.manifest.entries[0]!.kind).toBe('task');
    expect(frozen.manifest.policy.timeout).toBe('none');
    // The clocks an attempt runs under: the task keeps its 2h bound although the runs have none.
    const { manifest: m } = frozen;
    expect(entryClocks(m.policy, m.entries[0]!.policy, 'task').timeoutMs).toBe(2 * 3600_000);
    expect(entryClocks(m.policy, m.entries[0]!.policy, 'run').timeoutMs).toBeNull();
    const own = prepare('name: t\ncommand: eval {x}\nruns:\n  - {x: 1, kind: task, task_timeout: 5m}\n').frozen
      .manifest;
    expect(entryClocks(own.policy, own.entries[0]!.policy, 'task')).toMatchObject({
      timeoutMs: 300_000,
      heartbeatMs: 1_800_000,
    });
  });
});

describe('bad manifests name the key and the line', () => {
  const cases: [string, string, RegExp, string][] = [
    [
      'unknown top-level key',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\nmax_paralel: 3\n',
      /m\.yaml:4: max_paralel: unknown key/,
      'CAMPAIGN_UNKNOWN_KEY',
    ],
    [
      'unknown policy key',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  retry: 3\n',
      /m\.yaml:5: policy\.retry: unknown key/,
      'CAMPAIGN_UNKNOWN_KEY',
    ],
    [
      'placeholder without a value',
      'name: x\ncommand: t {a} {b}\ngrid: {a: [1]}\n',
      /m\.yaml:2: command: placeholder \{b\} has no value/,
      'CAMPAIGN_PLACEHOLDER',
    ],
    [
      'duplicate entry names',
      'name: x\ncommand: t {a}\nruns:\n  - {name: r, a: 1}\n  - {name: r, a: 2}\n',
      /m\.yaml:5: .*entry name r is used twice \(first at line 4\)/,
      'CAMPAIGN_DUPLICATE_ENTRY',
    ],
    ['empty grid', 'name: x\ncommand: t {a}\ngrid: {a: []}\n', /m\.yaml:3: grid\.a: .*empty/, 'CAMPAIGN_EMPTY'],
    ['no grid and no runs', 'name: x\ncommand: t\n', /no grid and no runs/, 'CAMPAIGN_EMPTY'],
    [
      'max_parallel 0',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  max_parallel: 0\n',
      /m\.yaml:5: policy\.max_parallel: max_parallel must be at least 1/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    [
      'negative timeout',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy:\n  timeout: -5m\n',
      /m\.yaml:5: policy\.timeout: timeout "-5m" is negative/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    [
      'zero timeout',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy: {timeout: 0}\n',
      /timeout is zero; a run without a limit needs `none`/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    [
      'heartbeat none',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\npolicy: {heartbeat: none}\n',
      /heartbeat cannot be none/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    [
      'parameter unused by the command',
      'name: x\ncommand: t {a}\nruns:\n  - {a: 1, sede: 2}\n',
      /m\.yaml:4: .*parameter sede .* not used/,
      'CAMPAIGN_UNKNOWN_KEY',
    ],
    ['not YAML', 'name: [unclosed\n', /m\.yaml:\d+: not valid YAML/, 'CAMPAIGN_MANIFEST_FORMAT'],
    [
      'an ssh campaign without a host',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\nexecutor: ssh\n',
      /m\.yaml:4: executor: an ssh campaign needs `host:`/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    [
      'a Slurm campaign with a host',
      'name: x\ncommand: t {a}\ngrid: {a: [1]}\nexecutor: slurm\nhost: gpu1\n',
      /m\.yaml:5: host: .*`cluster:`/,
      'CAMPAIGN_MANIFEST_INVALID',
    ],
    ['a YAML list, not a mapping', '- a\n- b\n', /a manifest is a mapping/, 'CAMPAIGN_MANIFEST_FORMAT'],
  ];
  for (const [what, text, message, code] of cases) {
    it(what, () => {
      const e = failure(text);
      expect(e.code).toBe(code);
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(message);
    });
  }

  it('an unknown extension that is neither YAML nor CSV is refused', () => {
    const e = failure('just some words\nand more\n', 'notes.txt');
    expect(e.code).toBe('CAMPAIGN_MANIFEST_FORMAT');
  });

  it('a CSV row with the wrong number of fields names its line', () => {
    const e = failure('command,lr\ntrain {lr},1\ntrain {lr},2,3\n', 'c.csv');
    expect(e.message).toMatch(/c\.csv:3: the row has 3 fields/);
  });

  it('parameter values keep their source text', () => {
    const src = parseManifestText('name: x\ncommand: t {a}\ngrid:\n  a: [1e-4, 0.10, true, "q"]\n', 'x.yaml');
    const m = validateManifest(src);
    expect(expandManifest(m, src).map((e) => e.params['a'])).toEqual(['1e-4', '0.10', 'true', 'q']);
  });
});
