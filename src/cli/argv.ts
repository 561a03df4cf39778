/**
 * `runlog submit <run> [flags] -- <command...>`: everything after the first
 * `--` is the job's command, verbatim. oclif's own `--` handling moves
 * command words that equal an earlier flag's value (`--retries 1 -- … --x 1`),
 * so the split is done here and oclif only sees runlog's part.
 */
export function splitCommand(argv: readonly string[]): { own: string[]; command: string[] } {
  const at = argv.indexOf('--');
  return at === -1 ? { own: [...argv], command: [] } : { own: argv.slice(0, at), command: argv.slice(at + 1) };
}
