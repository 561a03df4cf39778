/**
 * `runlog publish`: a sanitized TRAINING_LOG.md (and the passport, signoff
 * and chart) for a public package; `--check` scans a published folder and
 * answers "no" (exit 1) on any leak, changing nothing.
 */
import path from 'node:path';
import type { CommandOutput } from '../cli/output.js';
import { failed, usageError } from '../core/errors.js';
import { openLedger } from '../git/ledger-repo.js';
import type { PublishResult } from '../schemas/output.js';
import { fromLedger, loadRun } from './ckpt/context.js';

export interface PublishInput {
  ledger?: string;
  run?: string;
  out?: string;
  check?: string;
}

type Leak = PublishResult['leaks'][number];

export async function publishService(input: PublishInput): Promise<CommandOutput<PublishResult>> {
  if (!input.check && !(input.run && input.out)) {
    throw usageError(
      'PUBLISH_USAGE',
      'publish needs a run and --out, or --check <dir>',
      'run `runlog publish <run> --out <dir>` or `runlog publish --check <dir>`',
    );
  }
  const { infrastructureNames, sanitizerFor } = await import('../publish/sanitize.js');
  const { literalsOf, publishRun, checkPublished } = await import('../publish/training-log.js');
  const ledger = openLedger({ ledger: input.ledger });
  const ctx = input.run ? loadRun(ledger, input.run) : null;
  const sanitizer = sanitizerFor(ledger.config, ledger.config.scrub.rules, {
    ...(ctx ? literalsOf(ctx.doc) : {}),
    hosts: infrastructureNames(ledger.config),
  });
  const leakLines = (dir: string, leaks: Leak[]) =>
    leaks.map((l) => `${path.join(dir, l.file)}:${l.line}: leak [${l.rule}]`);

  if (input.check) {
    const dir = path.resolve(input.check);
    const leaks = await checkPublished(dir, sanitizer);
    const result = { out: dir, run: ctx?.run.id ?? null, check: true, files: [], removed: [], leaks };
    if (leaks.length === 0) return { result, human: [`${dir}: no leaks`] };
    const failure = failed(
      'PUBLISH_LEAKS',
      `${leaks.length} line(s) would publish private details`,
      'regenerate with `runlog publish <run> --out <dir>`, or remove those lines by hand',
    );
    return { result, human: [], warnings: leakLines(input.check, leaks), failure };
  }
  const out = path.resolve(input.out!);
  const run = ctx!;
  const final = run.artifacts.finalCheckpoint;
  const [{ chartFile }, { readConfined }] = await Promise.all([
    import('../plot/paths.js'),
    import('../plot/output-logs.js'),
  ]);
  const chart = readConfined(ledger.root, chartFile(ledger.config.runs_dir, run.run.id));
  const res = await publishRun({
    runId: run.run.id,
    doc: run.doc,
    checkpoint: final ? fromLedger(ledger, final) : null,
    out,
    sanitizer,
    chart,
  });
  const human = [
    `wrote ${res.files.map((f) => path.join(out, f)).join(', ')}`,
    ...res.removed.map((r) => `  removed ${r.count} × ${r.rule}`),
  ];
  return {
    result: { out, run: run.run.id, check: false, ...res },
    human,
    warnings: leakLines(out, res.leaks),
    ...(res.leaks.length > 0 ? { exitCode: 1 } : {}),
  };
}
