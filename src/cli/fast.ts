/**
 * The fast entry for the commands people and agents run in tight loops
 * (append, show, list) and for plot: same flags, same actions, same output as the oclif
 * commands, without loading oclif (~50 ms of a ~100 ms budget).
 *
 * It handles only well-formed invocations. Anything else (help, an unknown
 * flag, a missing argument, a value oclif would reject) returns false and the
 * caller runs oclif, so usage errors are reported in exactly one way.
 * test/unit/cli/fast-flags.test.ts keeps these specs equal to the commands'.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { type RunlogError, toRunlogError } from '../core/errors.js';
import { fastCommandOf, type FastCommand } from './fast-commands.js';
import { writeJsonDocument } from './json-stream.js';
import { envelope, printError, printOutcome, type CommandOutput } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const GLOBAL: Options = {
  json: { type: 'boolean' },
  ledger: { type: 'string' },
  push: { type: 'boolean' },
  'no-push': { type: 'boolean' },
};

export interface FastSpec {
  args: string[];
  /** The last argument takes every remaining positional (at least zero). */
  variadic?: boolean;
  options: Options;
  integers?: string[];
  choices?: Record<string, readonly string[]>;
  run: (input: Record<string, unknown>, json: boolean) => Promise<CommandOutput<object>>;
}

export const FAST: Record<FastCommand, () => Promise<FastSpec>> = {
  append: async () => ({
    args: ['run', 'message'],
    options: {
      state: { type: 'string' },
      step: { type: 'string' },
      metric: { type: 'string', multiple: true },
      at: { type: 'string' },
    },
    integers: ['step'],
    run: async (i) => (await import('../app/append.js')).appendService(i as never),
  }),
  show: async () => ({
    args: ['run'],
    options: { 'no-chart': { type: 'boolean' } },
    run: async (i, json) => {
      const { run, ledger } = i as { run: string; ledger?: string; 'no-chart'?: boolean };
      return (await import('../app/show.js')).showService({
        run,
        ledger,
        json,
        chart: i['no-chart'] !== true && process.stdout.isTTY === true,
      });
    },
  }),
  // Not a tight-loop command, but a chart of a long run is worth its start-up: oclif's ~50 ms is a sixth of plot's budget.
  plot: async () => ({
    args: ['run'],
    options: {},
    run: async (i) =>
      (await import('../app/plot.js')).plotService(i as { run: string; ledger?: string; push: boolean }),
  }),
  list: async () => {
    const [{ STATES }, { FAILURE_CLASSES }] = await Promise.all([
      import('../core/lifecycle.js'),
      import('../core/failure-classes.js'),
    ]);
    return {
      args: [],
      options: {
        state: { type: 'string' },
        group: { type: 'string' },
        campaign: { type: 'string' },
        type: { type: 'string' },
        class: { type: 'string' },
      },
      choices: { state: STATES, type: ['replication', 'experiment', 'pipeline'], class: FAILURE_CLASSES },
      run: async (i, json) => (await import('../app/list.js')).listService({ ...(i as object), json }),
    };
  },
  diff: async () => ({
    args: ['a', 'b'],
    options: {},
    run: async (i, json) => (await import('../app/diff.js')).diffService({ ...(i as { a: string; b: string }), json }),
  }),
  compare: async () => {
    const { STATES } = await import('../core/lifecycle.js');
    return {
      args: ['runs'],
      variadic: true,
      options: {
        group: { type: 'string' },
        campaign: { type: 'string' },
        state: { type: 'string' },
        'all-params': { type: 'boolean' },
        metric: { type: 'string', multiple: true },
        sort: { type: 'string' },
        md: { type: 'boolean' },
      },
      choices: { state: STATES },
      run: async (i, json) => {
        const { compareService, terminalWidth } = await import('../app/compare.js');
        const { runs, 'all-params': allParams, ...rest } = i as { runs: string[]; 'all-params'?: boolean };
        return compareService({ ...rest, runs, allParams, json, width: terminalWidth() });
      },
    };
  },
  'campaign:status': async () => ({
    args: ['campaign'],
    options: {},
    run: async (i, json) =>
      (await import('../app/campaign/status.js')).campaignStatus({ ...(i as { campaign: string }), json }),
  }),
};

/** Run `argv` on the fast path; false when oclif must handle it. */
export async function runFast(argv: string[]): Promise<boolean> {
  const command = fastCommandOf(argv);
  const load = command ? FAST[command.name] : undefined;
  const rest = command?.rest ?? [];
  if (!load || rest.some((a) => a === '--help' || a === '-h' || a === '--')) return false;
  const spec = await load();
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL, ...spec.options }, allowPositionals: true, strict: true });
  } catch {
    return false;
  }
  const { values, positionals } = parsed;
  if (spec.variadic ? positionals.length < spec.args.length - 1 : positionals.length !== spec.args.length) return false;
  if (values['push'] && values['no-push']) return false;
  const input: Record<string, unknown> = { push: !values['no-push'] };
  for (const [k, v] of Object.entries(values)) if (k !== 'push' && k !== 'no-push' && k !== 'json') input[k] = v;
  for (const k of spec.integers ?? []) {
    if (input[k] === undefined) continue;
    if (!/^-?\d+$/.test(String(input[k]))) return false;
    input[k] = Number(input[k]);
  }
  for (const [k, allowed] of Object.entries(spec.choices ?? {}))
    if (input[k] !== undefined && !allowed.includes(String(input[k]))) return false;
  spec.args.forEach((a, idx) => {
    input[a] = spec.variadic && idx === spec.args.length - 1 ? positionals.slice(idx) : positionals[idx];
  });

  const json = values['json'] === true;
  try {
    const out = await spec.run(input, json);
    const lines: string[] = [];
    const exit = printOutcome(out, json, (line) => lines.push(line));
    if (json) writeJsonDocument(envelope(out), (chunk) => process.stdout.write(chunk));
    else if (lines.length > 0) process.stdout.write(`${lines.join('\n')}\n`);
    if (exit !== undefined) process.exitCode = exit;
  } catch (err) {
    const e: RunlogError = toRunlogError(err);
    printError(e, json);
    process.exitCode = e.exitCode;
  }
  return true;
}
