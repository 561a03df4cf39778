import { createHash } from 'node:crypto';
import {
  appendFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  truncate,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RunlogError } from '../../src/core/errors.js';
import { sha256Bytes, sha256File } from '../../src/core/hash.js';
import {
  buildWeightManifest,
  readPassport,
  writePassport,
  type WritePassportOptions,
} from '../../src/publish/passport.js';
import { writeSignoff } from '../../src/publish/signoff.js';
import { verifyCheckpoint, type VerifyReport } from '../../src/publish/verify.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'runlog-passport-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

async function put(rel: string, data: string | Buffer): Promise<void> {
  const full = path.join(root, rel);
  await mkdir(path.dirname(full), { recursive: true });
  await writeFile(full, data);
}

/** A publishable package laid out the way people ship one (weights, passport, signoff, training log). */
async function makePackage(): Promise<void> {
  await put('checkpoints/1000/params/model.safetensors', Buffer.from('weights-a'));
  await put('checkpoints/1000/params/optimizer.bin', Buffer.from('weights-b'));
  await put('assets/norm_stats.json', '{"mean": 0}\n');
  await put('assets/empty.txt', '');
  await put('README.md', '# model\n');
  await put('TRAINING_LOG.md', '# log\n');
  await put('PASSPORT_SEED.json', '{}\n');
  await put('.hidden/secret.bin', 'x');
  await put('.DS_Store', 'x');
}

const writeOpts: WritePassportOptions = {
  generatedBy: 'runlog',
  provenance: {
    run_log_path: 'run_logs/arx5/2026-03-22_train.md',
    training_repo: 'https://github.com/acme/train',
    training_repo_commit: 'a'.repeat(40),
  },
  runlog: { run_id: 'arx5/2026-03-22_train', step: 1000, attempt: 2 },
};

async function errorOf(promise: Promise<unknown>): Promise<RunlogError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RunlogError);
  return err as RunlogError;
}

const failedChecks = (report: VerifyReport) => report.failures.map((f) => f.check);

describe('sha256', () => {
  it('hashes bytes and files identically to node:crypto', async () => {
    await put('f', 'hello');
    expect(sha256Bytes('hello')).toBe(sha('hello'));
    expect(await sha256File(path.join(root, 'f'))).toBe(sha('hello'));
  });

  it('hashes a 1 GiB sparse file in flat memory', async () => {
    const file = path.join(root, 'big.bin');
    await writeFile(file, '');
    await truncate(file, 1024 ** 3);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 10);
    try {
      // Known digest of 1 GiB of zero bytes (`truncate -s 1G f && sha256sum f`).
      expect(await sha256File(file)).toBe('49bc20df15e412a64472421e13fe86ff1c5165e18b2afccf160d4dc19fe68a14');
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect(peak - baseline).toBeLessThan(64 * 1024 ** 2);
  });
});

describe('writePassport', () => {
  it('writes the 0.2 format: pretty JSON, sorted manifest, exclusions, no empty values', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    const text = await readFile(path.join(root, 'MODEL_PASSPORT.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "schema_version": "0.2",');
    const json = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(json, null, 2)}\n`);
    expect(json.generated_by).toBe('runlog');
    expect(json.generated_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(json.provenance).toEqual(writeOpts.provenance);
    expect(json.runlog).toEqual(writeOpts.runlog);
    expect(json.weight_integrity.weight_files).toEqual([
      { path: 'assets/empty.txt', sha256: sha(''), size_bytes: 0 },
      { path: 'assets/norm_stats.json', sha256: sha('{"mean": 0}\n'), size_bytes: 12 },
      { path: 'checkpoints/1000/params/model.safetensors', sha256: sha('weights-a'), size_bytes: 9 },
      { path: 'checkpoints/1000/params/optimizer.bin', sha256: sha('weights-b'), size_bytes: 9 },
    ]);
    expect(text).not.toMatch(/null|false|\[\]|\{\}/);
  });

  it('keeps sections it does not own when updating an existing passport', async () => {
    await makePackage();
    await put(
      'MODEL_PASSPORT.json',
      JSON.stringify({
        schema_version: '0.2',
        generated_by: 'checkpoint-passport',
        generated_at: '2026-01-01T00:00:00Z',
        input_contract: { image_keys: ['front'], state_dim: 14 },
        provenance: { parent_description: 'base model', training_repo_commit: 'old' },
        weight_integrity: { algorithm: 'sha256', weight_files: [] },
        team_notes: 'kept',
      }),
    );
    await writePassport(root, { ...writeOpts, extra: { known_issues: ['wrist cam flips'], empty: null } });
    const passport = await readPassport(root);
    expect(passport.input_contract).toEqual({ image_keys: ['front'], state_dim: 14 });
    expect(passport.team_notes).toBe('kept');
    expect(passport.known_issues).toEqual(['wrist cam flips']);
    expect('empty' in passport).toBe(false);
    expect(passport.generated_by).toBe('runlog');
    expect(passport.provenance).toEqual({ parent_description: 'base model', ...writeOpts.provenance });
    expect(passport.weight_integrity).toMatchObject({ algorithm: 'sha256' });
    expect(passport.weight_integrity?.weight_files).toHaveLength(4);
  });

  it('refuses extra sections that would override what it computes', async () => {
    await makePackage();
    const err = await errorOf(writePassport(root, { ...writeOpts, extra: { schema_version: '9.9' } }));
    expect(err.code).toBe('PASSPORT_EXTRA_RESERVED');
    await expect(stat(path.join(root, 'MODEL_PASSPORT.json'))).rejects.toThrow();
  });

  it('refuses to overwrite a passport it cannot parse', async () => {
    await put('MODEL_PASSPORT.json', '{not json');
    const err = await errorOf(writePassport(root, writeOpts));
    expect(err.code).toBe('PASSPORT_INVALID');
    expect(await readFile(path.join(root, 'MODEL_PASSPORT.json'), 'utf8')).toBe('{not json');
  });

  it('skips directories the user names', async () => {
    await makePackage();
    await put('scratch/tmp.bin', 'x');
    const files = await buildWeightManifest(root, { skipDirs: ['scratch', 'checkpoints/1000/params'] });
    expect(files.map((f) => f.path)).toEqual(['assets/empty.txt', 'assets/norm_stats.json']);
  });
});

describe('writeSignoff', () => {
  it('signs the passport bytes and every listed file in passport order, then verifies', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    const { signoff, report } = await writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.0' });
    expect(report.ok).toBe(true);
    const text = await readFile(path.join(root, 'SIGNOFF.json'), 'utf8');
    const json = JSON.parse(text);
    expect(text).toBe(`${JSON.stringify(json, null, 2)}\n`);
    expect(Object.keys(json)).toEqual([
      'schema_version',
      'signed_at',
      'signed_by',
      'artifacts',
      'verdict',
      'verdict_reason',
    ]);
    expect(json.verdict_reason).toBeNull();
    expect(json.signed_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(json.signed_by).toEqual({ tool: 'runlog', version: '0.1.0' });
    const passportBytes = await readFile(path.join(root, 'MODEL_PASSPORT.json'));
    expect(json.artifacts[0]).toEqual({ path: 'MODEL_PASSPORT.json', sha256: sha(passportBytes) });
    const passport = await readPassport(root);
    expect(json.artifacts.slice(1).map((a: { path: string }) => a.path)).toEqual(
      passport.weight_integrity?.weight_files.map((f) => f.path),
    );
    expect(json).toEqual(signoff);
  });

  it('requires a reason for soft_signal and records it', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    expect((await errorOf(writeSignoff(root, { verdict: 'soft_signal', tool: 'runlog', version: '0.1.0' }))).code).toBe(
      'SIGNOFF_REASON_REQUIRED',
    );
    const { report } = await writeSignoff(root, {
      verdict: 'soft_signal',
      reason: 'val loss noisy',
      tool: 'runlog',
      version: '0.1.0',
    });
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.check)).toEqual(['verdict']);
    expect(JSON.parse(await readFile(path.join(root, 'SIGNOFF.json'), 'utf8')).verdict_reason).toBe('val loss noisy');
  });

  it('refuses when a declared file is missing, writing nothing', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    await rm(path.join(root, 'checkpoints/1000/params/optimizer.bin'));
    const err = await errorOf(writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.0' }));
    expect(err.code).toBe('SIGNOFF_REFUSED');
    expect(err.message).toMatch(/optimizer\.bin/);
    await expect(stat(path.join(root, 'SIGNOFF.json'))).rejects.toThrow();
  });

  it('removes the new signoff when it does not verify, restoring the previous one', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    await writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.0' });
    const before = await readFile(path.join(root, 'SIGNOFF.json'));
    await put('checkpoints/2000/params/model.safetensors', 'unlisted');
    const err = await errorOf(writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.1' }));
    expect(err.code).toBe('SIGNOFF_VERIFY_FAILED');
    expect(await readFile(path.join(root, 'SIGNOFF.json'))).toEqual(before);

    await rm(path.join(root, 'SIGNOFF.json'));
    await errorOf(writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.1' }));
    expect((await readdir(root)).filter((n) => n.includes('SIGNOFF'))).toEqual([]);
  });
});

describe('verifyCheckpoint: tampering', () => {
  beforeEach(async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    await writeSignoff(root, { verdict: 'pass', tool: 'runlog', version: '0.1.0' });
  });

  it('accepts the untouched package', async () => {
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report).toMatchObject({ ok: true, failures: [], warnings: [] });
    expect(report.signoff?.verdict).toBe('pass');
  });

  it('fails when one passport byte changes', async () => {
    const file = path.join(root, 'MODEL_PASSPORT.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"runlog"', '"runlof"'));
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['passport_hash']);
  });

  it('fails when one weight byte changes', async () => {
    await put('checkpoints/1000/params/model.safetensors', Buffer.from('weights-A'));
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report.ok).toBe(false);
    expect(failedChecks(report).sort()).toEqual(['artifact', 'weight_file']);
    expect(report.failures.every((f) => f.path === 'checkpoints/1000/params/model.safetensors')).toBe(true);
  });

  it('fails on an unlisted weight file', async () => {
    await put('extra/new.safetensors', 'w');
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report.failures).toEqual([
      {
        check: 'unlisted_weight',
        message: expect.stringContaining('extra/new.safetensors'),
        path: 'extra/new.safetensors',
      },
    ]);
  });

  it('fails on an artifact path that escapes the root, lexically or through a symlink', async () => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'runlog-outside-'));
    try {
      await writeFile(path.join(outside, 'w.bin'), 'outside');
      await symlink(path.join(outside, 'w.bin'), path.join(root, 'link.txt'));
      const file = path.join(root, 'SIGNOFF.json');
      const signoff = JSON.parse(await readFile(file, 'utf8'));
      signoff.artifacts.push({ path: `../${path.basename(outside)}/w.bin`, sha256: sha('outside') });
      signoff.artifacts.push({ path: 'link.txt', sha256: sha('outside') });
      await writeFile(file, `${JSON.stringify(signoff, null, 2)}\n`);
      const report = await verifyCheckpoint(root, { requireSignoff: true });
      expect(report.ok).toBe(false);
      expect(report.failures.map((f) => [f.check, f.path])).toEqual([
        ['artifact', `../${path.basename(outside)}/w.bin`],
        ['artifact', 'link.txt'],
      ]);
      expect(report.failures[1]?.message).toMatch(/outside the checkpoint root/);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  it('treats another schema version as a warning only', async () => {
    const pfile = path.join(root, 'MODEL_PASSPORT.json');
    await writeFile(
      pfile,
      (await readFile(pfile, 'utf8')).replace('"schema_version": "0.2"', '"schema_version": "0.3"'),
    );
    const sfile = path.join(root, 'SIGNOFF.json');
    const signoff = JSON.parse(await readFile(sfile, 'utf8'));
    signoff.artifacts[0].sha256 = sha(await readFile(pfile));
    await writeFile(sfile, `${JSON.stringify(signoff, null, 2)}\n`);
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report.ok).toBe(true);
    expect(report.warnings.map((w) => w.check)).toEqual(['schema_version']);
  });

  it('fails a missing signoff only when it is required', async () => {
    await rm(path.join(root, 'SIGNOFF.json'));
    expect(failedChecks(await verifyCheckpoint(root, { requireSignoff: true }))).toEqual(['signoff']);
    const lenient = await verifyCheckpoint(root, { requireSignoff: false });
    expect(lenient.ok).toBe(true);
    expect(lenient.warnings.map((w) => w.check)).toEqual(['signoff']);
  });
});

/**
 * Interop with the Python checkpoint-passport / sign-checkpoint tools.
 * Both helpers below are written from the passport format alone and share no code with src/.
 */

/** json.dumps(value, indent=2, sort_keys=True) with Python's default ensure_ascii=True, plus the trailing newline. */
function pythonJsonDumps(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  const ascii = JSON.stringify(sortKeys(value), null, 2).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${ascii}\n`;
}

/** The other tool's `validate-checkpoint --require-signoff`, re-derived from the format facts. */
async function otherToolValidate(dir: string): Promise<string[]> {
  const errors: string[] = [];
  const realRoot = await realpath(dir);
  const passportBytes = await readFile(path.join(dir, 'MODEL_PASSPORT.json'));
  const passport = JSON.parse(passportBytes.toString('utf8'));
  if (typeof passport !== 'object' || passport === null) errors.push('passport is not an object');
  if (!passport.provenance?.training_repo_commit) errors.push('provenance.training_repo_commit missing');
  let signoff: { signed_at: string; verdict: string; artifacts: { path: string; sha256: string }[] };
  try {
    signoff = JSON.parse(await readFile(path.join(dir, 'SIGNOFF.json'), 'utf8'));
  } catch {
    return [...errors, 'SIGNOFF.json missing or unparsable'];
  }
  for (const key of ['schema_version', 'signed_at', 'signed_by', 'artifacts', 'verdict', 'verdict_reason']) {
    if (!(key in signoff)) errors.push(`signoff key ${key} missing`);
  }
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(signoff.signed_at)) errors.push('signed_at format');
  if (!['pass', 'soft_signal'].includes(signoff.verdict)) errors.push('verdict');
  if (signoff.artifacts[0]?.path !== 'MODEL_PASSPORT.json' || signoff.artifacts[0]?.sha256 !== sha(passportBytes))
    errors.push('passport sha256');
  const listed = new Set<string>();
  for (const { path: rel, sha256 } of signoff.artifacts.slice(1)) {
    listed.add(rel);
    const real = await realpath(path.join(dir, rel)).catch(() => null);
    if (!real?.startsWith(realRoot + path.sep)) errors.push(`artifact ${rel} outside root or missing`);
    else if (sha(await readFile(real)) !== sha256) errors.push(`artifact ${rel} sha256`);
  }
  for (const wf of passport.weight_integrity?.weight_files ?? []) {
    listed.add(wf.path);
    if (!/^[0-9a-f]{64}$/.test(wf.sha256) || !Number.isInteger(wf.size_bytes ?? 0))
      errors.push(`manifest entry ${wf.path}`);
  }
  const walk = async (sub: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, sub), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(rel);
      else if (/\.(safetensors|bin|pt|pth|ckpt)$/.test(entry.name) && !listed.has(rel))
        errors.push(`unlisted weight ${rel}`);
    }
  };
  await walk('');
  return errors;
}

describe('interop with the Python tools', () => {
  it('our verify accepts a passport and signoff written the way the Python tools write them', async () => {
    await put('checkpoints/30000/params/model.safetensors', 'w1');
    await put('assets/norm_stats.json', '{}');
    const weightFiles = [
      { path: 'assets/norm_stats.json', sha256: sha('{}'), size_bytes: 2 },
      { path: 'checkpoints/30000/params/model.safetensors', sha256: sha('w1'), size_bytes: 2 },
    ];
    const passportText = pythonJsonDumps({
      schema_version: '0.2',
      generated_by: 'checkpoint-passport',
      generated_at: '2026-03-22T10:00:00Z',
      stack: { framework: 'jax' },
      input_contract: { image_keys: ['front'], normalize: 'mean_std' },
      model_identity: { name: 'arx5-multitask', description: 'résumé → politique' },
      provenance: { training_repo: 'https://github.com/acme/train', training_repo_commit: 'b'.repeat(40) },
      weight_integrity: { weight_files: weightFiles },
      known_issues: ['wrist camera flipped before step 1000'],
    });
    expect(passportText).toContain('\\u00e9');
    await put('MODEL_PASSPORT.json', passportText);
    await put(
      'SIGNOFF.json',
      pythonJsonDumps({
        schema_version: '0.2',
        signed_at: '2026-03-22T10:05:00Z',
        signed_by: { tool: 'sign-checkpoint', version: '0.2.3' },
        artifacts: [
          { path: 'MODEL_PASSPORT.json', sha256: sha(passportText) },
          ...weightFiles.map(({ path: p, sha256 }) => ({ path: p, sha256 })),
        ],
        verdict: 'pass',
        verdict_reason: null,
      }),
    );
    expect(await otherToolValidate(root)).toEqual([]);
    const report = await verifyCheckpoint(root, { requireSignoff: true });
    expect(report).toMatchObject({ ok: true, failures: [], warnings: [] });
    expect(report.signoff?.signed_by).toEqual({ tool: 'sign-checkpoint', version: '0.2.3' });
    expect((await readPassport(root)).model_identity).toEqual({
      name: 'arx5-multitask',
      description: 'résumé → politique',
    });

    // A passport the Python tool wrote is updated in place without losing its sections.
    await writePassport(root, writeOpts);
    const updated = await readPassport(root);
    expect(updated.stack).toEqual({ framework: 'jax' });
    expect(updated.known_issues).toEqual(['wrist camera flipped before step 1000']);
  });

  it('the Python validator (re-derived) accepts what we write, and rejects tampering', async () => {
    await makePackage();
    await writePassport(root, writeOpts);
    await writeSignoff(root, { verdict: 'soft_signal', reason: 'eval pending', tool: 'runlog', version: '0.1.0' });
    expect(await otherToolValidate(root)).toEqual([]);
    await appendFile(path.join(root, 'checkpoints/1000/params/optimizer.bin'), 'x');
    expect(await otherToolValidate(root)).toEqual(['artifact checkpoints/1000/params/optimizer.bin sha256']);
  });
});
