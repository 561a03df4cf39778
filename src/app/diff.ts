/** `runlog diff <run-a> <run-b>`: what changed between two runs, section by section. */
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { openLedger, type Ledger } from '../git/ledger-repo.js';
import { diffStat } from '../git/revisions.js';
import { RunLogDoc } from '../markdown/runlog.js';
import { diffRuns, type Change } from '../ledger/read/diff.js';
import { resolveRun } from '../ledger/read/runs.js';
import { checkConfig } from '../preflight/config-file.js';
import { diffConfigs } from '../signals/detectors/config-drift.js';
import { renderDiff } from '../cli/render/diff.js';
import type { CommandOutput } from '../cli/output.js';
import type { DiffResult } from '../schemas/output.js';

export interface DiffInput {
  a: string;
  b: string;
  json: boolean;
  ledger?: string;
}

/** A snapshot bigger than this is not a config. */
const MAX_SNAPSHOT_BYTES = 1 << 20;

/**
 * A recorded snapshot's parsed contents, or why not. The path comes from a
 * run log (shared data), so only a regular file inside this repository is
 * read: a run log cannot make runlog open a file elsewhere on this machine.
 */
function readSnapshot(ledger: Ledger, recorded: string): { data: Record<string, unknown> } | { why: string } {
  let real: string;
  try {
    real = realpathSync(isAbsolute(recorded) ? recorded : resolve(ledger.root, recorded));
  } catch {
    return { why: `${recorded} is not on this machine` };
  }
  const rel = relative(realpathSync(ledger.gitTop), real);
  if (rel.startsWith('..') || isAbsolute(rel)) return { why: `${recorded} is outside this repository` };
  const st = statSync(real);
  if (!st.isFile() || st.size > MAX_SNAPSHOT_BYTES) return { why: `${recorded} is not a config file` };
  const check = checkConfig(real, ledger.root);
  return check.data
    ? { data: check.data as Record<string, unknown> }
    : { why: check.reasons[0]?.message ?? `${recorded} does not parse` };
}

const show = (v: unknown): string | null => (v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

/** Key-by-key changes between the two snapshots, when both can be read. */
function snapshotChanges(ledger: Ledger, before: string | null, after: string | null, notes: string[]): Change[] {
  if (!before || !after || before === after) return [];
  const a = readSnapshot(ledger, before);
  const b = readSnapshot(ledger, after);
  if ('why' in a || 'why' in b) {
    notes.push(`config snapshot contents not compared: ${'why' in a ? a.why : (b as { why: string }).why}`);
    return [];
  }
  return diffConfigs({ previous: a.data, current: b.data }).map((c) => ({
    key: `snapshot.${c.key}`,
    before: show(c.before),
    after: show(c.after),
  }));
}

export async function diffService(input: DiffInput): Promise<CommandOutput<DiffResult>> {
  const ledger = openLedger({ ledger: input.ledger });
  const [ra, rb] = [input.a, input.b].map((ref) => resolveRun(ledger.root, ledger.config.runs_dir, ref)) as [
    ReturnType<typeof resolveRun>,
    ReturnType<typeof resolveRun>,
  ];
  const d = diffRuns(
    new RunLogDoc(readFileSync(ra.abs, 'utf8'), ra.path),
    new RunLogDoc(readFileSync(rb.abs, 'utf8'), rb.path),
  );
  const notes: string[] = [];
  const config = d.sections.find((s) => s.name === 'config')!;
  config.changes.push(...snapshotChanges(ledger, d.snapshots.before, d.snapshots.after, notes));
  const stat =
    d.code.before === d.code.after && d.code.before !== null
      ? { ok: true as const, lines: [] }
      : await diffStat(ledger.git, d.code.before, d.code.after);
  const result: DiffResult = {
    a: { id: ra.id, path: ra.path },
    b: { id: rb.id, path: rb.path },
    sections: d.sections,
    codeDiff: {
      from: d.code.before,
      to: d.code.after,
      stat: stat.ok ? stat.lines : null,
      reason: stat.ok ? null : stat.reason,
    },
    notes,
  };
  return { result, human: input.json ? [] : renderDiff(result) };
}
