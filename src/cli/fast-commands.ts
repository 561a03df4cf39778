/**
 * The commands the fast entry (fast.ts) serves. boot.ts reads this list
 * without loading the fast bundle; fast.ts's table is typed by it, so the two
 * cannot drift.
 */
export const FAST_COMMANDS = ['append', 'show', 'list', 'diff', 'compare', 'plot'] as const;

export type FastCommand = (typeof FAST_COMMANDS)[number];
