/** Operations on the ledger's index files: init, timeline.md and experiments.md rebuilds. */
import { CONFIG_FILE, DEFAULT_CONFIG_TEXT } from '../../config/config.js';
import { RunLogDoc, looksLikeRunLog } from '../../markdown/runlog.js';
import type { Applied, Write } from '../../core/operation.js';
import type { LedgerView } from '../../git/ledger-repo.js';
import { listRunFiles, type RunFile } from '../read/runs.js';
import { experimentsUpsert } from './experiments.js';
import { fieldValue } from '../read/artifacts.js';
import { timelineRebuild } from './timeline.js';

export function applyInit(view: LedgerView): Applied<{ created: string[] }> {
  const wanted: Write[] = [
    { path: CONFIG_FILE, content: DEFAULT_CONFIG_TEXT },
    { path: `${view.config.runs_dir}/.gitkeep`, content: '' },
    { path: '.agents/logbooks/.gitkeep', content: '' },
  ];
  // Idempotent: never overwrite what is there (a user may have edited the config).
  const writes = wanted.filter((w) => view.read(w.path) === null);
  return { writes, subject: 'runlog: init ledger', result: { created: writes.map((w) => w.path) } };
}

/**
 * Folders under run_logs/ with their run files (the root folder is group
 * null). A dated name is not enough: an eval write-up is not a run.
 */
export function runFolders(view: LedgerView, group?: string): Map<string | null, RunFile[]> {
  const byGroup = new Map<string | null, RunFile[]>();
  for (const r of listRunFiles(view.root, view.config.runs_dir)) {
    if (group !== undefined && r.group !== group) continue;
    const text = view.read(r.path);
    if (text === null || !looksLikeRunLog(text)) continue;
    const list = byGroup.get(r.group) ?? [];
    list.push(r);
    byGroup.set(r.group, list);
  }
  if (group !== undefined && !byGroup.has(group)) byGroup.set(group, []);
  return byGroup;
}

const folderPath = (view: LedgerView, group: string | null) =>
  group ? `${view.config.runs_dir}/${group}` : view.config.runs_dir;

/** When a run log was created: its `created:` field, else its first dated Status entry. */
function createdAt(text: string): number | undefined {
  const m =
    /^- created: `?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)`?/m.exec(text) ??
    /^[-*] (\d{4}-\d\d-\d\d(?: \d\d:\d\d(?::\d\d)?)?)/m.exec(text);
  if (!m) return undefined;
  const t = Date.parse(m[1]!.includes('T') ? m[1]! : `${m[1]!.replace(' ', 'T')}${m[1]!.length > 10 ? '' : 'T00:00'}Z`);
  return Number.isNaN(t) ? undefined : t;
}

export function applyRebuildTimeline(view: LedgerView, a: { group?: string }): Applied<{ files: string[] }> {
  const writes: Write[] = [];
  for (const [group, runs] of runFolders(view, a.group)) {
    if (runs.length === 0) continue;
    writes.push(
      timelineRebuild(
        view,
        folderPath(view, group),
        group,
        runs.map((r) => ({ file: r.path.split('/').pop()!, created: createdAt(view.read(r.path) ?? '') })),
      ),
    );
  }
  return {
    writes,
    subject: `runlog: rebuild timeline${a.group ? ` (${a.group})` : ''}`,
    result: { files: writes.map((w) => w.path) },
  };
}

/** The val_loss an experiments row shows: the final one, never one read at an earlier step. */
function finalValLoss(raw: string | undefined): string {
  return raw === undefined || /\(step \d+\)/.test(raw) ? '' : (fieldValue(raw) ?? '');
}

export async function applyRebuildExperiments(
  view: LedgerView,
  a: { group?: string },
): Promise<Applied<{ files: string[] }>> {
  const writes: Write[] = [];
  for (const [group, runs] of runFolders(view, a.group)) {
    const rows = [];
    for (const r of runs) {
      const text = view.read(r.path);
      if (text === null) continue;
      const doc = new RunLogDoc(text, r.path);
      if (doc.view.runType !== 'experiment') continue;
      const res = doc.view.results ?? {};
      rows.push({
        run: r.path.split('/').pop()!.replace(/\.md$/, ''),
        description: doc.view.objective ?? '',
        val_loss: finalValLoss(res['end_val_loss'] ?? res['val_loss']),
        status: doc.view.state,
        notes: '',
      });
    }
    if (rows.length === 0) continue;
    writes.push(await experimentsUpsert(view, folderPath(view, group), rows, ['status', 'val_loss']));
  }
  return {
    writes,
    subject: `runlog: rebuild experiments${a.group ? ` (${a.group})` : ''}`,
    result: { files: writes.map((w) => w.path) },
  };
}
