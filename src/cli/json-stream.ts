/**
 * `JSON.stringify(value, null, 2)` written in pieces: a long array at the top
 * of the document goes out one element at a time, so `list --json` over
 * 100,000 runs never holds its ~25 MB answer as one string. The bytes are
 * exactly those of JSON.stringify (a unit test compares them).
 */
const FLUSH_AT = 64 * 1024;

export function writeJsonDocument(value: object, write: (chunk: string) => void): void {
  let buf = '';
  const put = (s: string) => {
    buf += s;
    if (buf.length >= FLUSH_AT) {
      write(buf);
      buf = '';
    }
  };
  const indent = (json: string, pad: string) => json.replace(/\n/g, `\n${pad}`);
  const members = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (members.length === 0 || Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    write(`${JSON.stringify(value, null, 2)}\n`);
    return;
  }
  put('{');
  members.forEach(([k, v], i) => {
    put(`${i === 0 ? '' : ','}\n  ${JSON.stringify(k)}: `);
    if (!Array.isArray(v) || v.length === 0) {
      put(indent(JSON.stringify(v, null, 2), '  '));
      return;
    }
    put('[');
    v.forEach((el: unknown, j) => {
      const json = JSON.stringify(el, null, 2) as string | undefined;
      put(`${j === 0 ? '' : ','}\n    ${json === undefined ? 'null' : indent(json, '    ')}`);
    });
    put('\n  ]');
  });
  put('\n}\n');
  write(buf);
}
