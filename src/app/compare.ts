/** `runlog compare`: runs side by side as a terminal table, a GFM table or JSON. */
import { usageError } from '../core/errors.js';
import { openLedger } from '../git/ledger-repo.js';
import { compareRuns, type ComparedRun } from '../ledger/read/compare.js';
import { compareMarkdown, compareTerminal } from '../cli/render/compare.js';
import type { CommandOutput } from '../cli/output.js';
import type { CompareResult } from '../schemas/output.js';

export interface CompareInput {
  runs: string[];
  group?: string;
  campaign?: string;
  state?: string;
  allParams?: boolean;
  metric?: string[];
  sort?: string;
  md?: boolean;
  json: boolean;
  ledger?: string;
  /** Terminal width; undefined when stdout is not a terminal. */
  width?: number;
  cwd?: string;
}

/** Without a terminal to measure, a table as wide as most editors show. */
export const DEFAULT_WIDTH = 120;

function toJson(r: ComparedRun): CompareResult['runs'][number] {
  return {
    id: r.id,
    path: r.path,
    state: r.state,
    stateInferred: r.stateInferred,
    runType: r.runType,
    campaign: r.campaign,
    failureClass: r.failureClass,
    attempts: r.attempts,
    runtime: r.runtime,
    runtimeSeconds: r.runtimeSeconds,
    step: r.step,
    settings: r.settings,
    metrics: r.metrics,
  };
}

export async function compareService(input: CompareInput): Promise<CommandOutput<CompareResult>> {
  const named = input.runs.filter((r) => r !== '');
  if (named.length > 0 && (input.group !== undefined || input.campaign !== undefined)) {
    throw usageError(
      'BAD_SELECTION',
      'name runs, or select them with --group / --campaign, not both',
      'e.g. `runlog compare run-a run-b` or `runlog compare --group arx5 --state completed`',
    );
  }
  if (named.length === 0 && input.group === undefined && input.campaign === undefined && input.state === undefined) {
    throw usageError(
      'NO_RUNS_SELECTED',
      'compare needs runs to compare',
      'name two or more runs, or pass --group <g>, --campaign <id> or --state <s>',
    );
  }
  const flagLike = named.find((r) => r.startsWith('-'));
  if (flagLike) throw usageError('UNKNOWN_FLAG', `unknown flag ${flagLike}`, 'see `runlog compare --help`');
  const ledger = openLedger({ ledger: input.ledger });
  const c = compareRuns(ledger, {
    runs: named,
    group: input.group,
    campaign: input.campaign,
    state: input.state,
    allParams: input.allParams,
    metrics: input.metric,
    sort: input.sort,
  });
  const result: CompareResult = {
    runs: c.runs.map(toJson),
    columns: { settings: c.settings, metrics: c.metrics },
    common: c.common,
    sharedMetrics: c.shared,
  };
  if (input.json) return { result, human: [] };
  const human = input.md
    ? compareMarkdown(c, input.cwd ?? process.cwd())
    : compareTerminal(c, input.width ?? DEFAULT_WIDTH);
  return { result, human };
}

/** The width to fit: the terminal's, else `COLUMNS`, else none (the service's default). */
export function terminalWidth(): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const env = Number(process.env['COLUMNS']);
  return Number.isInteger(env) && env > 0 ? env : undefined;
}
