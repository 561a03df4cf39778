/**
 * `JSON.stringify(value, null, 2)` written in pieces: a long array at the top
 * of the document goes out a slice of elements at a time, so `list --json`
 * over 100,000 runs never holds its ~25 MB answer as one string. The bytes
 * are exactly those of JSON.stringify (a unit test compares them).
 */
const FLUSH_AT = 64 * 1024;

/** Elements stringified together: one JSON.stringify per slice, no re-indenting. */
const SLICE = 500;

export function writeJsonDocument(value: object, write: (chunk: string) => void): void {
  const members = Object.entries(value).filter(
    ([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol',
  );
  const long = members.some(([, v]) => Array.isArray(v) && v.length > SLICE);
  if (!long || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= FLUSH_AT) {
      write(buf);
      buf = '';
    }
  };
  put('{');
  members.forEach(([k, v], i) => {
    const key = JSON.stringify(k);
    if (!Array.isArray(v) || v.length <= SLICE) {
      // A member alone in its object comes out indented as it would inside the document.
      const one = JSON.stringify({ [k]: v }, null, 2);
      put(`${i === 0 ? '' : ','}\n${one.slice(2, -2)}`);
      return;
    }
    put(`${i === 0 ? '' : ','}\n  ${key}: [`);
    for (let at = 0; at < v.length; at += SLICE) {
      // {"k": [a, b]} stringified puts a and b at the document's indentation; keep what is between the brackets.
      const one = JSON.stringify({ [k]: v.slice(at, at + SLICE) }, null, 2);
      put(`${at === 0 ? '' : ','}${one.slice(key.length + 7, -6)}`);
    }
    put('\n  ]');
  });
  put('\n}\n');
  write(buf);
}
