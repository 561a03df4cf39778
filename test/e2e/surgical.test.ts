/**
 * Surgical edits: two run logs edited by hand in ugly ways (setext headings,
 * odd spacing, trailing spaces, HTML comments inside Status, single- and
 * multi-line, a fenced block holding `## Status`, extra sections between
 * Status and Results, a missing final newline, CRLF and mixed line endings)
 * go through 20 operations. The cumulative change holds only the lines the
 * operations meant to write: every original line is still there, in order,
 * byte for byte.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowOutput } from '../../src/schemas/output.js';
import { git, makeLedger, runlogOk, type TempLedger } from '../support/ledger.js';

const SURGICAL = resolve(__dirname, '..', 'fixtures', 'real-ledger', 'surgical');
const UGLY = 'surgical/2026-03-21_ugly';
const CRLF = 'surgical/2026-03-21_ugly_crlf';
const path = (id: string) => `run_logs/${id}.md`;

/** [run, argv, whether the op moves the experiment's row in experiments.md (a change of state)]. */
/** Checkpoints to resume from: resume refuses a path that is not a complete checkpoint. */
const CKPT = mkdtempSync(join(tmpdir(), 'runlog-surgical-ckpt-'));
for (const step of [1000, 200]) {
  mkdirSync(join(CKPT, `step-${step}`));
  writeFileSync(join(CKPT, `step-${step}`, 'metadata.json'), JSON.stringify({ step }));
}

const OPS: [string, string[], boolean?][] = [
  [UGLY, ['append', UGLY, 'plain note']],
  [UGLY, ['append', UGLY, 'loss falling', '--step', '800', '--metric', 'loss=1.0']],
  [
    UGLY,
    ['append', UGLY, 'still fine', '--state', 'running', '--metric', 'train_loss=0.9', '--metric', 'val_loss=1.1'],
  ],
  [UGLY, ['append', UGLY, 'late observation', '--at', '2026-03-21T12:00:00Z']],
  [
    UGLY,
    ['complete', UGLY, '--final-step', '1000', '--metric', 'val_loss=0.95', '--summary', 'noisy but converged'],
    true,
  ],
  [UGLY, ['resume', UGLY, '--from', join(CKPT, 'step-1000')], true],
  [UGLY, ['append', UGLY, 'queued again', '--state', 'queued'], true],
  [UGLY, ['append', UGLY, 'running again', '--state', 'running', '--step', '1100', '--metric', 'loss=0.8'], true],
  [UGLY, ['fail', UGLY, '--class', 'oom_gpu', '--reason', 'CUDA out of memory at step 1200'], true],
  [UGLY, ['resume', UGLY], true],
  [UGLY, ['append', UGLY, 'third attempt up', '--state', 'running'], true],
  [CRLF, ['append', CRLF, 'plain']],
  [CRLF, ['append', CRLF, 'metrics', '--step', '200', '--metric', 'loss=1.8']],
  [CRLF, ['append', CRLF, 'same state', '--state', 'running']],
  [CRLF, ['cancel', CRLF, '--reason', 'wrong config']],
  [CRLF, ['resume', CRLF, '--from', join(CKPT, 'step-200')]],
  [CRLF, ['append', CRLF, 'queued', '--state', 'queued']],
  [CRLF, ['append', CRLF, 'running', '--state', 'running', '--metric', 'train_loss=1.5']],
  [CRLF, ['complete', CRLF, '--final-step', '400', '--checkpoint', '/ckpt/step-400', '--summary', 'fine']],
  [CRLF, ['append', CRLF, 'note after completion']],
];

const STAMP = '\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} UTC';
const STATES = 'pending|queued|running|completed|command_failed|canceled';
/** Every line an operation may write. `\r?` because the CRLF file gets CRLF fragments. */
const ALLOWED: RegExp[] = [
  new RegExp(`^- ${STAMP} — (?:${STATES})(?:, step \\d+)?(?:, [\\w/]+ [\\d.]+)*(?: — .+)?\\r?$`),
  /^## Job \(resumed\)\r?$/,
  /^- (?:execution_id|attempt|submitted|submitted_human|resumed from|init_from_step|end|end_human|runtime): .+\r?$/,
  /^- (?:runtime|runtime_per_attempt|final step|start_train_loss|end_train_loss|start_val_loss|end_val_loss|loss_one_liner|checkpoint): .+\r?$/,
  /^- before eval or upload: .+\r?$/,
  /^- chart: !\[loss and throughput\]\(plots\/2026-03-21_ugly(?:_crlf)?\.svg\)\r?$/,
  // runlog's own Next lines, marked so a person's lines are never touched.
  /^- .+ <!-- runlog:next -->\r?$/,
  /^\r?$/,
];

/**
 * Match the original lines, in order, inside the final text; return the final
 * lines that are not original. A last line without a newline may gain one.
 */
function addedLines(original: string, final: string): { added: string[]; missing: string[] } {
  const orig = original.split('\n');
  const fin = final.split('\n');
  const added: string[] = [];
  const missing: string[] = [];
  let k = 0;
  for (const [i, line] of orig.entries()) {
    const lastWithoutNewline = i === orig.length - 1 && !original.endsWith('\n');
    const start = k;
    while (k < fin.length && fin[k] !== line && !(lastWithoutNewline && fin[k] === `${line}\r`)) k++;
    if (k === fin.length) {
      missing.push(line);
      k = start;
      continue;
    }
    added.push(...fin.slice(start, k));
    k++;
  }
  added.push(...fin.slice(k));
  return { added, missing };
}

describe('surgical edits survive ugly hand edits', () => {
  let l: TempLedger;
  let base: string;
  const originals: Record<string, string> = {};

  beforeAll(async () => {
    l = await makeLedger({ prefix: 'runlog-surgical-' });
    cpSync(SURGICAL, join(l.main, 'run_logs', 'surgical'), { recursive: true });
    await git(l.main, ['add', '-A']);
    await git(l.main, ['commit', '-q', '-m', 'hand-edited run logs']);
    await git(l.main, ['push', '-q', 'origin', 'main']);
    base = (await git(l.main, ['rev-parse', 'HEAD'])).trim();
    for (const id of [UGLY, CRLF]) originals[id] = readFileSync(join(l.main, path(id)), 'utf8');
    expect(originals[CRLF]!.endsWith('\n')).toBe(false);
    expect(originals[UGLY]!.endsWith('\n')).toBe(false);
    expect(originals[UGLY]).toContain('\r\n');
  });
  afterAll(() => {
    l?.cleanup();
    rmSync(CKPT, { recursive: true, force: true });
  });

  it('runs 20 operations, one commit each, each touching only its run log', async () => {
    for (const [id, args, row] of OPS) {
      await runlogOk(l.main, [...args, '--no-push']);
      // An experiment's change of state also updates its row in the folder's comparison table.
      const also = row ? ['run_logs/surgical/experiments.md'] : [];
      // A completion also commits the run's chart (both runs have readings with a step).
      if (args[0] === 'complete') also.push(`run_logs/surgical/plots/${id.split('/').pop()}.svg`);
      expect(
        (await git(l.main, ['show', '--name-only', '--format=', 'HEAD'])).split('\n').filter(Boolean).sort(),
      ).toEqual([path(id), ...also].sort());
    }
    expect((await git(l.main, ['rev-list', '--count', `${base}..HEAD`])).trim()).toBe('20');
    await runlogOk(l.main, ['sync']);
    expect((await git(l.remote, ['rev-parse', 'main'])).trim()).toBe((await git(l.main, ['rev-parse', 'HEAD'])).trim());
  });

  it('the CRLF file: every original line is still there in order, byte for byte; only intended lines were added', () => {
    const final = readFileSync(join(l.main, path(CRLF)), 'utf8');
    const { added, missing } = addedLines(originals[CRLF]!, final);
    expect(missing).toEqual([]);
    for (const line of added) expect([line, ALLOWED.some((re) => re.test(line))]).toEqual([line, true]);
    expect(added.filter((x) => x.startsWith('- 20'))).toHaveLength(OPS.filter(([id]) => id === CRLF).length);
    expect(added.filter((x) => x.startsWith('## Job (resumed)'))).toHaveLength(1);
    // Still CRLF throughout, and still no final newline: the last entry is the last line.
    expect(final.replace(/\r\n/g, '')).not.toContain('\n');
    expect(final.endsWith('\n')).toBe(false);
    expect(final.split('\r\n').at(-1)).toMatch(/— completed — note after completion$/);
    // Results fill the real Results section, under its placeholder comment.
    expect(final).toContain('<!--\r\n  final step, losses and checkpoint go here\r\n-->\r\n- runtime: `');
  });

  it("the ugly LF file: body lines untouched, front matter changes only state and attempt (the failed attempt's class went with it)", () => {
    const orig = originals[UGLY]!;
    const final = readFileSync(join(l.main, path(UGLY)), 'utf8');
    const fmEnd = (t: string) => t.indexOf('\n---\n') + 5;
    expect(final.slice(0, fmEnd(final))).toBe(
      orig.slice(0, fmEnd(orig)).replace('state: running', 'state: running').replace('attempt: 1', 'attempt: 3'),
    );
    const { added, missing } = addedLines(orig.slice(fmEnd(orig)), final.slice(fmEnd(final)));
    expect(missing).toEqual([]);
    for (const line of added) expect([line, ALLOWED.some((re) => re.test(line))]).toEqual([line, true]);
    expect(added.filter((x) => x.startsWith('- 20'))).toHaveLength(OPS.filter(([id]) => id === UGLY).length);
    expect(added.filter((x) => x.startsWith('## Job (resumed)'))).toHaveLength(2);
    expect(final.endsWith('\n- keep watching')).toBe(true);

    // Entries land after the last real entry and its continuation line, before the trailing comment.
    const status = final.slice(
      final.indexOf('  continuation line of the same item\n'),
      final.indexOf('<!-- trailing comment'),
    );
    expect(status.split('\n').filter((x) => x.startsWith('- 20'))).toHaveLength(11);
    // The fenced `## Status` and the commented example stayed as they were, and were never read as entries.
    expect(final).toContain(
      '```bash\n## Status\n- 2026-01-01 00:00 UTC — this fenced line is not an entry\n```\n\n## Job (resumed)\n',
    );
    expect(final).toContain('<!-- fill on completion -->\n- runtime: `');
  });

  it('show reads the result the way a person does', async () => {
    const u = ShowOutput.parse((await runlogOk(l.main, ['show', UGLY, '--json'])).json);
    expect(u).toMatchObject({ state: 'running', attempt: 3, diagnostics: [] });
    expect(u.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (resumed)', 'Job (resumed)']);
    expect(u.jobs[0]!.fields).toMatchObject({ execution_id: '4470001', end: expect.stringMatching(/Z$/) });
    expect(u.status.filter((e) => e.message.includes('not an entry') || e.message.includes('not real'))).toEqual([]);
    expect(u.status).toHaveLength(3 + 11);
    expect(u.results).toMatchObject({
      runtime: u.jobs[0]!.fields['runtime'],
      'final step': '1000',
      end_val_loss: '0.95',
      loss_one_liner: 'noisy but converged',
    });

    const c = ShowOutput.parse((await runlogOk(l.main, ['show', CRLF, '--json'])).json);
    expect(c).toMatchObject({ state: 'completed', hasFrontMatter: false, diagnostics: [] });
    expect(c.jobs.map((j) => j.heading)).toEqual(['Job', 'Job (resumed)']);
    expect(c.results).toMatchObject({ 'final step': '400', checkpoint: '/ckpt/step-400' });
  });
});
