/** Small text helpers that several layers need: matching a literal inside a pattern, dropping terminal colours. */

/** `text` as a pattern that matches exactly it. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Colour and cursor sequences (CSI) that progress bars and loggers write into job logs. */
export const ANSI_CSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
