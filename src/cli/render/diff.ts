/** `runlog diff` for people: each section's changes as `key: before → after`. */
import type { DiffResult } from '../../schemas/output.js';
import { printable } from './fit-table.js';

const NONE = '(none)';

export function renderDiff(r: DiffResult): string[] {
  const out = [`${r.a.id} → ${r.b.id}`];
  for (const s of r.sections) {
    out.push('', s.name);
    for (const c of s.changes) out.push(`  ${c.key}: ${c.before ?? NONE} → ${c.after ?? NONE}`);
    if (s.changes.length === 0) out.push(s.same.length > 0 ? `  same: ${s.same.join(', ')}` : '  nothing recorded');
    else if (s.same.length > 0) out.push(`  (same: ${s.same.join(', ')})`);
    if (s.name === 'code' && (r.codeDiff.from || r.codeDiff.to)) {
      if (r.codeDiff.stat)
        out.push(
          ...(r.codeDiff.stat.length > 0
            ? [`  git diff --stat ${r.codeDiff.from} ${r.codeDiff.to}:`, ...r.codeDiff.stat.map((l) => `   ${l}`)]
            : []),
        );
      else out.push(`  no code diff: ${r.codeDiff.reason}`);
    }
  }
  if (r.notes.length > 0) out.push('', ...r.notes.map((n) => `note: ${n}`));
  return out.map(printable);
}
