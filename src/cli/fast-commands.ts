/**
 * The commands the fast entry (fast.ts) serves. boot.ts reads this list
 * without loading the fast bundle; fast.ts's table is typed by it, so the two
 * cannot drift. A topic command is named by its oclif id (`campaign:status`)
 * and typed as two words.
 */
export const FAST_COMMANDS = ['append', 'show', 'list', 'diff', 'compare', 'plot', 'campaign:status'] as const;

export type FastCommand = (typeof FAST_COMMANDS)[number];

/** The fast command argv starts with, and the arguments after its name. */
export function fastCommandOf(argv: readonly string[]): { name: FastCommand; rest: string[] } | undefined {
  const [first, second] = argv;
  if (first === undefined) return undefined;
  if ((FAST_COMMANDS as readonly string[]).includes(first)) return { name: first as FastCommand, rest: argv.slice(1) };
  const topic = `${first}:${second}`;
  if (second !== undefined && (FAST_COMMANDS as readonly string[]).includes(topic))
    return { name: topic as FastCommand, rest: argv.slice(2) };
  return undefined;
}

/** The bundle scripts/bundle.mjs writes for a fast command (a topic command's colon becomes a dash). */
export function fastBundleFile(name: FastCommand): string {
  return `fast-${name.replace(':', '-')}.cjs`;
}
