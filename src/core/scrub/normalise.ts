/**
 * Text is made to look the way a file will show it before it is scrubbed:
 * a secret split by a line break, hidden behind a zero-width character or
 * dressed in terminal escapes must be seen as the reader (and an attacker
 * copying it) will see it. Both functions are idempotent.
 *
 * Removed: terminal escape sequences (CSI like colours, OSC like the OSC 52
 * clipboard write and window titles, whole, with their payload), other C0/C1
 * controls (BEL, backspace, DEL, ...), bidi embeddings/overrides/isolates
 * (which can make a line read differently from what it holds) and zero-width
 * spaces that would split a token for the scrubber but not for a copy-paste.
 */

/** ESC [ … final byte; ESC ] … (BEL | ESC \); other two-byte ESC sequences; 8-bit CSI/OSC too. */
const ESCAPES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b[\]PX^_]|[\u009d\u0090\u0098\u009e\u009f])[^\u0007\u001b\u009c]{0,65536}(?:\u0007|\u001b\\|\u009c)?|\u001b[ -~]?/g;
/** C0 except TAB and LF, DEL, C1. CR is handled as a line break first. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI, LRM/RLM/ALM, zero-width space/no-break space/word joiner. */
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff]/g;

/** Multi-line text: line breaks become `\n`, escapes and invisible controls go. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(ESCAPES, '')
    .replace(CONTROLS, '')
    .replace(INVISIBLE, '');
}

/** One-line text (a status entry, a field value): normalised, then every run of whitespace is one space. */
export function normaliseLine(text: string): string {
  return normaliseText(text).replace(/\s+/g, ' ').trim();
}
