/**
 * The one place that turns results and errors into output and exit codes,
 * so `--json` and human mode behave alike.
 */
import { Command, Flags, Errors, type Interfaces } from '@oclif/core';
import { RunlogError, toRunlogError, usageError } from '../core/errors.js';
import { envelope, printError, printOutcome, type CommandOutput, type Envelope, type Progress } from './output.js';
import { didYouMean } from './suggest.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof RunlogCommand)['baseFlags'] & T['flags']
>;

export abstract class RunlogCommand extends Command {
  static enableJsonFlag = true;

  static baseFlags = {
    ledger: Flags.string({
      description: 'ledger root (default: nearest ancestor with runlog.config.yaml)',
      helpGroup: 'GLOBAL',
    }),
    push: Flags.boolean({
      description: 'push after committing; --no-push commits locally only',
      allowNo: true,
      default: true,
      helpGroup: 'GLOBAL',
    }),
  };

  /** Decided by `present`, applied in `finally` (under --json oclif would reset an exit code set earlier). */
  private decidedExit?: number;

  /** Warnings a long-running service reported while it ran, for the --json envelope. */
  private progressWarnings: string[] = [];

  /** Print a service's output and return its --json document: the only way a command produces output. */
  protected present<R extends object>(out: CommandOutput<R>): Envelope<R> {
    const merged =
      this.progressWarnings.length > 0
        ? { ...out, warnings: [...this.progressWarnings, ...(out.warnings ?? [])] }
        : out;
    this.decidedExit = printOutcome(merged, this.jsonEnabled(), (line) => this.log(line));
    return envelope(merged);
  }

  /** For services that report while they run: at once in human mode, into the envelope under --json. */
  protected progress(): Progress {
    const json = this.jsonEnabled();
    return {
      line: (text) => {
        if (!json) this.log(text);
      },
      warn: (text) => {
        if (json) this.progressWarnings.push(text);
        else process.stderr.write(`${text}\n`);
      },
    };
  }

  /** Show a person what is about to happen and ask them to type "yes" (stdin must be a terminal). */
  protected async confirm(plan: string[], question: string): Promise<boolean> {
    for (const line of plan) this.log(line);
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return (await rl.question(question)).trim().toLowerCase() === 'yes';
    } finally {
      rl.close();
    }
  }

  protected async finally(err: Error | undefined): Promise<unknown> {
    if (!err && this.decidedExit !== undefined) process.exitCode = this.decidedExit;
    return super.finally(err);
  }

  protected async catch(err: Error & { exitCode?: number; oclif?: { exit?: number } }): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    const e = fromOclif(err, this.id, Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags }));
    printError(e, this.jsonEnabled());
    if (e.kind === 'internal' && process.env['RUNLOG_DEBUG'])
      process.stderr.write(`${(e.cause as Error | undefined)?.stack ?? ''}\n`);
    process.exitCode = e.exitCode;
    return this.exit(e.exitCode);
  }
}

/**
 * oclif's parse errors are usage errors (exit 2): one plain line saying what
 * is wrong, and a hint naming this command's help. oclif's own wording spans
 * lines, repeats the argument's description and may carry colour codes.
 */
function fromOclif(err: Error, id: string | undefined, flagNames: string[] = []): RunlogError {
  if (err instanceof RunlogError) return err;
  const name = err.constructor?.name ?? '';
  const lines = err.message
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '' && !/^See more help/i.test(l));
  const first = lines[0] ?? err.message;
  const help = `see \`runlog${id ? ` ${id.replace(/:/g, ' ')}` : ''} --help\``;
  if (name === 'NonExistentFlagsError' || /^Nonexistent flags?/i.test(first)) {
    const typed = /(--?[\w-]+)/.exec(first.replace(/^Nonexistent flags?:?/i, ''))?.[1];
    const near = typed
      ? didYouMean(
          typed,
          flagNames.map((f) => `--${f}`),
        )
      : '';
    return usageError('UNKNOWN_FLAG', `${first}.${near}`.replace(/\.\./, '.'), help);
  }
  if (name === 'RequiredArgsError' || /^Missing \d+ required args?/i.test(first)) {
    const missing = ((err as Error & { args?: { name?: string }[] }).args ?? []).map((a) => a.name).filter(Boolean);
    const multiple = /Note: (--\S+) allows multiple values/.exec(lines.join(' '))?.[1];
    return usageError(
      'MISSING_ARGUMENT',
      missing.length > 0
        ? `missing argument${missing.length > 1 ? 's' : ''}: ${missing.map((a) => `<${a}>`).join(' ')}`
        : first,
      multiple ? `${help}; arguments go before ${multiple} (it takes several values), or after \`--\`` : help,
    );
  }
  if (name === 'UnexpectedArgsError' || /^Unexpected arguments?/i.test(first))
    return usageError('UNEXPECTED_ARGUMENT', first, `${help}; quote a message that has spaces`);
  const reasons = /^The following errors? occurred:?$/i.test(first) ? lines.slice(1) : lines;
  const requiredFlags = reasons
    .map((r) => /^Missing required flag:? (\S+)/i.exec(r)?.[1])
    .filter((f): f is string => f !== undefined);
  if (requiredFlags.length > 0)
    return usageError(
      'MISSING_FLAG',
      `missing required flag${requiredFlags.length > 1 ? 's' : ''}: ${requiredFlags.map((f) => `--${f.replace(/^--/, '')}`).join(' ')}`,
      help,
    );
  if (
    name === 'FailedFlagValidationError' ||
    /Expected .* to be one of|Expected an integer|must also be provided|cannot also be provided|^Parsing --/i.test(
      reasons.join(' '),
    )
  ) {
    const parsing = /^Parsing --\S+$/.test(reasons[0] ?? '') ? `${reasons[0]}: ` : '';
    return usageError('BAD_FLAG', `${parsing}${reasons.slice(parsing ? 1 : 0).join('; ')}`, help);
  }
  if (err instanceof Errors.CLIError) return usageError('USAGE', first, help);
  return toRunlogError(err);
}
