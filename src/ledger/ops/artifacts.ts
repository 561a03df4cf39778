/**
 * Recording what a finished run leaves behind in its run log: checkpoint
 * prunes, passport and signoff, seal tags, W&B records, and the Next gate.
 * Pure like every other operation, so they replay. Reading them back is
 * ledger/read/artifacts.ts.
 */
import { parseStep } from '../../checkpoints/step.js';
import type { RunLogDoc } from '../../markdown/runlog.js';
import { runArtifacts } from '../read/artifacts.js';
import { applyEdits, type Edit } from '../../markdown/source.js';
import { statusStamp, humanDate, isoSeconds } from '../../core/time.js';
import { usageError } from '../../core/errors.js';
import type { Applied } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { loadRunDoc } from './common.js';

// ---- record operations --------------------------------------------------

/** A dated note in Status that keeps the run's state: its first word is not a state word. */
function noteEdit(doc: RunLogDoc, at: Date, text: string): Edit {
  return doc.appendStatusEdit(`- ${statusStamp(at)} — ${text}`);
}

const sameCheckpoint = (a: string | null, b: string) =>
  a !== null && (a === b || a.replace(/\/+$/, '') === b.replace(/\/+$/, ''));

export interface PruneRecordArgs {
  run: string;
  at: string;
  root: string;
  removed: { path: string; step: number }[];
  kept: { step: number; reasons: string[] }[];
}

export function applyPruneRecord(
  view: LedgerView,
  a: PruneRecordArgs,
): Applied<{ id: string; path: string; removed: number }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const steps = a.removed.map((r) => r.step).join(', ');
  const kept = a.kept.map((k) => `${k.step} (${k.reasons.join('+')})`).join(', ');
  const text = `pruned ${a.removed.length} checkpoint(s) under \`${a.root}\`: step ${steps || 'none'}; kept ${kept || 'none'}`;
  return {
    writes: [{ path, content: applyEdits(doc.src.text, [noteEdit(doc, new Date(a.at), text)]) }],
    subject: `${a.run}: log checkpoint prune`,
    result: { id: a.run, path, removed: a.removed.length },
  };
}

export interface PassportRecordArgs {
  run: string;
  at: string;
  checkpoint: string;
  step: number | null;
  sha256: string;
  weightFiles: number;
}

export function applyPassportRecord(view: LedgerView, a: PassportRecordArgs): Applied<{ id: string; path: string }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const ckpt = a.checkpoint;
  const edits: Edit[] = [
    noteEdit(
      doc,
      new Date(a.at),
      `passport written for \`${ckpt}\`${a.step !== null ? ` (step ${a.step})` : ''}: ${a.weightFiles} file(s), MODEL_PASSPORT.json sha256 ${a.sha256}`,
    ),
  ];
  const results = doc.section('Results', 'first');
  if (results && sameCheckpoint(runArtifacts(doc).finalCheckpoint, ckpt))
    edits.push(...doc.fieldEdits(results, [['passport', `\`MODEL_PASSPORT.json\` sha256 \`${a.sha256}\``]]));
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: log checkpoint passport`,
    result: { id: a.run, path },
  };
}

export interface SignoffRecordArgs {
  run: string;
  at: string;
  checkpoint: string;
  verdict: 'pass' | 'soft_signal';
  reason?: string | null;
  sha256: string;
  /** Who signed it off. */
  by?: string;
}

export function applySignoffRecord(view: LedgerView, a: SignoffRecordArgs): Applied<{ id: string; path: string }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const ckpt = a.checkpoint;
  const verdict = a.verdict === 'soft_signal' && a.reason ? `soft_signal (${a.reason})` : a.verdict;
  const by = a.by ? `signed off by ${a.by}, ` : '';
  const edits: Edit[] = [
    noteEdit(doc, new Date(a.at), `signoff for \`${ckpt}\`: ${by}verdict ${verdict}, SIGNOFF.json sha256 ${a.sha256}`),
  ];
  const results = doc.section('Results', 'first');
  if (results && sameCheckpoint(runArtifacts(doc).finalCheckpoint, ckpt))
    edits.push(...doc.fieldEdits(results, [['signoff', `\`${verdict}\``]]));
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: log checkpoint signoff`,
    result: { id: a.run, path },
  };
}

export interface SealRecordArgs {
  run: string;
  at: string;
  tag: string;
  target: string;
  milestone?: string;
  sealCommit?: string;
}

export function sealLine(a: Pick<SealRecordArgs, 'tag' | 'target' | 'sealCommit'>, at: Date): string {
  return `- \`${a.tag}\`: \`${a.target}\`${a.sealCommit ? ' (seal commit with the approved dirty-tree patch)' : ''} — ${humanDate(at)} (${isoSeconds(at)})`;
}

/** Records a seal once: a second record of the same tag changes nothing. */
export function applySealRecord(
  view: LedgerView,
  a: SealRecordArgs,
): Applied<{ id: string; path: string; recorded: boolean }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const subject = a.milestone ? `${a.run}: log seal (${a.milestone})` : `${a.run}: log final seal`;
  const seal = doc.section('Seal', 'first');
  if (seal?.bodyLines.some((l) => l.text.includes(`\`${a.tag}\``))) {
    return { writes: [], subject, result: { id: a.run, path, recorded: false } };
  }
  const at = new Date(a.at);
  const line = sealLine(a, at);
  const edits: Edit[] = [noteEdit(doc, at, `sealed: tag \`${a.tag}\` → \`${a.target.slice(0, 12)}\``)];
  if (seal) {
    const last = [...seal.bodyLines].reverse().find((l) => l.text.trim() !== '');
    const anchor = last ?? doc.src.lines[seal.headingIndex]!;
    edits.push({
      start: anchor.next,
      end: anchor.next,
      text: doc.src.fragment(`${anchor.next === anchor.end ? '\n' : ''}${line}\n`),
    });
  } else {
    edits.push(newSectionEdit(doc, 'Seal', line));
  }
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject,
    result: { id: a.run, path, recorded: true },
  };
}

/** A new `## <name>` section just before `## Next`, or at the end of the file. */
function newSectionEdit(doc: RunLogDoc, name: string, body: string): Edit {
  const next = doc.section('Next', 'first');
  const text = doc.src.text;
  if (next) return { start: next.start, end: next.start, text: doc.src.fragment(`## ${name}\n${body}\n\n`) };
  const lead = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return { start: text.length, end: text.length, text: doc.src.fragment(`${lead}## ${name}\n${body}\n`) };
}

export interface WandbRecordArgs {
  run: string;
  at: string;
  /** Heading of the Job block the W&B run belongs to; default the newest. */
  job?: string;
  local?: string;
  synced: string[];
}

export function applyWandbRecord(
  view: LedgerView,
  a: WandbRecordArgs,
): Applied<{ id: string; path: string; job: string }> {
  const { doc, path } = loadRunDoc(view, a.run);
  doc.assertWritable();
  const jobs = doc.view.jobs;
  const job =
    a.job === undefined
      ? jobs[jobs.length - 1]
      : jobs.find((j) => j.heading === a.job || j.heading === `Job (${a.job})`);
  if (!job) {
    throw usageError(
      'JOB_BLOCK_NOT_FOUND',
      a.job === undefined ? `${a.run} has no Job block` : `${a.run} has no Job block "${a.job}"`,
      `name one of: ${jobs.map((j) => j.heading).join(', ') || '(none: add a ## Job block first)'}`,
    );
  }
  const section = doc.outline.sections.find((s) => s.depth === 2 && s.line === job.line)!;
  const local = a.local ? `\`${a.local}\`` : undefined;
  const synced = a.synced.map((u) => `\`${u}\``).join(', ');
  const jobFields: [string, string][] = [];
  if (local) jobFields.push(['wandb_local', local]);
  if (synced) jobFields.push(['wandb_synced', synced]);
  const edits: Edit[] = doc.fieldEdits(section, jobFields);
  const wb = doc.section('W&B', 'first');
  const wbFields: [string, string][] = [];
  if (local) wbFields.push(['local', local]);
  if (synced) wbFields.push(['synced', synced]);
  if (wb) edits.push(...doc.fieldEdits(wb, wbFields));
  else edits.push(newSectionEdit(doc, 'W&B', wbFields.map(([k, v]) => `- ${k}: ${v}`).join('\n')));
  if (synced) edits.push(noteEdit(doc, new Date(a.at), `W&B synced: ${synced} (${job.heading})`));
  return {
    writes: [{ path, content: applyEdits(doc.src.text, edits) }],
    subject: `${a.run}: log W&B ${synced ? 'sync' : 'run'}`,
    result: { id: a.run, path, job: job.heading },
  };
}

export const checkpointStep = (p: string): number | null => parseStep(p.replace(/\/+$/, '').split('/').pop() ?? '');
