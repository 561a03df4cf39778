/** `runlog compare` for people: a table that fits the terminal, or a GitHub-flavoured one to paste. */
import { relative, sep } from 'node:path';
import type { Comparison, ComparedRun } from '../../ledger/read/compare.js';
import type { MetricValue } from '../../ledger/read/run-facts.js';
import { cut, fitTable, printable, type Column } from './fit-table.js';

const NONE = '—';

/** Up to 6 significant digits: the table is for reading; --json keeps every digit. */
export function formatMetric(v: MetricValue | undefined): string {
  if (v === undefined) return NONE;
  if (typeof v !== 'number') return v;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

interface Cell {
  header: string;
  value: (r: ComparedRun) => string;
  numeric?: boolean;
}

function cells(c: Comparison): Cell[] {
  const out: Cell[] = [{ header: 'state', value: (r) => r.state }];
  if (c.runs.some((r) => r.failureClass !== null)) out.push({ header: 'class', value: (r) => r.failureClass ?? NONE });
  out.push({ header: 'attempts', value: (r) => String(r.attempts), numeric: true });
  if (c.runs.some((r) => r.runtime !== null)) out.push({ header: 'runtime', value: (r) => r.runtime ?? NONE });
  for (const s of c.settings) out.push({ header: s, value: (r) => r.settings[s] ?? NONE });
  for (const m of c.metrics) out.push({ header: m, value: (r) => formatMetric(r.metrics[m]), numeric: true });
  return out;
}

function commonLine(c: Comparison): string | null {
  const same = Object.entries(c.common).filter(([k]) => !c.settings.includes(k));
  if (same.length === 0 || c.runs.length < 2) return null;
  return `same in all ${c.runs.length} runs: ${same.map(([k, v]) => `${k}=${v}`).join(', ')}`;
}

export function compareTerminal(c: Comparison, width: number): string[] {
  if (c.runs.length === 0) return ['no runs match'];
  const cs = cells(c);
  const columns: Column[] = [
    { header: 'run', cutStart: true, min: 16 },
    ...cs.map((x) => ({ header: x.header, align: x.numeric ? ('right' as const) : ('left' as const) })),
  ];
  const rows = c.runs.map((r) => [r.id, ...cs.map((x) => x.value(r))]);
  const { lines, hidden } = fitTable(columns, rows, width);
  const notes: string[] = [];
  const common = commonLine(c);
  if (common) notes.push(cut(printable(common), width));
  if (hidden > 0)
    notes.push(
      cut(
        `${hidden} more column${hidden === 1 ? '' : 's'} did not fit: pick some with --metric, or use --md or --json`,
        width,
      ),
    );
  return notes.length > 0 ? [...lines, '', ...notes] : lines;
}

/** A pipe inside a cell would end it: GFM reads `\|` as a literal pipe. Line breaks cannot live in a cell. */
export function gfmCell(text: string): string {
  return printable(text.replace(/[\r\n]+/g, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|');
}

/** `[id](path)`, the path relative to where the table is pasted (the current directory). */
function link(r: ComparedRun, cwd: string): string {
  const target = relative(cwd, r.abs).split(sep).join('/');
  const text = r.id.replace(/[[\]]/g, '\\$&');
  const dest = /[\s()<>]/.test(target) ? `<${target.replace(/[<>]/g, encodeURIComponent)}>` : target;
  return `[${text}](${dest})`;
}

export function compareMarkdown(c: Comparison, cwd: string): string[] {
  const cs = cells(c);
  const header = ['run', ...cs.map((x) => x.header)];
  const rule = ['---', ...cs.map((x) => (x.numeric ? '---:' : '---'))];
  const row = (values: string[]) => `| ${values.map(gfmCell).join(' | ')} |`;
  // The link is built from escaped parts already; only its pipes need escaping.
  const lines = [
    row(header),
    `| ${rule.join(' | ')} |`,
    ...c.runs.map(
      (r) =>
        `| ${[printable(link(r, cwd)).replace(/\|/g, '\\|'), ...cs.map((x) => gfmCell(x.value(r)))].join(' | ')} |`,
    ),
  ];
  const common = commonLine(c);
  if (common) lines.push('', gfmCell(common));
  return lines;
}
