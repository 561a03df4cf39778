/**
 * A lenient reader for the object literals training loops print: JSON lines
 * (which may contain bare NaN / Infinity, invalid JSON that json.dumps
 * writes anyway) and Python dict reprs (single quotes, nan, inf, True, None,
 * `tensor(1.2, device='cuda:0')`). Only numeric leaves are kept, keyed by
 * their path joined with `/` so nested metrics read like W&B keys.
 */
export interface LiteralObject {
  /** The quote used by the first key: `"` for JSON, `'` for a Python dict. */
  quote: '"' | "'";
  numbers: Map<string, number>;
  keys: Set<string>;
}

class Reader {
  pos = 0;
  quote: '"' | "'" | undefined;
  readonly numbers = new Map<string, number>();
  readonly keys = new Set<string>();

  constructor(private readonly text: string) {}

  fail(): never {
    throw new SyntaxError(`not a literal at ${this.pos}`);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  peek(): string {
    this.skipSpace();
    return this.text[this.pos] ?? '';
  }

  expect(ch: string): void {
    if (this.peek() !== ch) this.fail();
    this.pos++;
  }

  string(): string {
    const q = this.peek();
    if (q !== '"' && q !== "'") this.fail();
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos++]!;
      if (ch === q) return out;
      if (ch === '\\') {
        const next = this.text[this.pos++];
        if (next === undefined) this.fail();
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      } else {
        out += ch;
      }
    }
    return this.fail();
  }

  object(path: string): void {
    this.expect('{');
    if (this.peek() === '}') {
      this.pos++;
      return;
    }
    for (;;) {
      const q = this.peek();
      if (this.quote === undefined && (q === '"' || q === "'")) this.quote = q;
      const key = this.string();
      const full = path ? `${path}/${key}` : key;
      if (!path) this.keys.add(key);
      this.expect(':');
      this.value(full);
      const sep = this.peek();
      this.pos++;
      if (sep === '}') return;
      if (sep !== ',') this.fail();
      if (this.peek() === '}') {
        this.pos++;
        return;
      }
    }
  }

  array(path: string): void {
    this.expect('[');
    let index = 0;
    if (this.peek() === ']') {
      this.pos++;
      return;
    }
    for (;;) {
      this.value(`${path}/${index++}`);
      const sep = this.peek();
      this.pos++;
      if (sep === ']') return;
      if (sep !== ',') this.fail();
    }
  }

  value(path: string): void {
    const ch = this.peek();
    if (ch === '{') {
      this.object(path);
      return;
    }
    if (ch === '[') {
      this.array(path);
      return;
    }
    if (ch === '"' || ch === "'") {
      this.string();
      return;
    }
    const rest = this.text.slice(this.pos);
    const num = /^[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|NaN|nan|Infinity|inf)(?![\w.])/.exec(rest);
    if (num) {
      this.pos += num[0].length;
      this.numbers.set(path, toNumber(num[0]));
      return;
    }
    const word = /^[A-Za-z_][\w.]*/.exec(rest);
    if (!word) this.fail();
    this.pos += word[0].length;
    if (this.peek() === '(') this.call(path);
  }

  /** `tensor(1.2, device='cuda:0')`: the first number inside is the value. */
  call(path: string): void {
    this.expect('(');
    let depth = 1;
    const start = this.pos;
    while (this.pos < this.text.length && depth > 0) {
      const ch = this.text[this.pos]!;
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if (ch === '"' || ch === "'") {
        this.string();
        continue;
      }
      this.pos++;
    }
    if (depth !== 0) this.fail();
    const inner = this.text.slice(start, this.pos - 1);
    const first = /^\s*([-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|inf))/.exec(inner)?.[1];
    if (first !== undefined) this.numbers.set(path, toNumber(first));
  }
}

function toNumber(token: string): number {
  const lower = token.toLowerCase().replace(/^\+/, '');
  if (lower === 'nan' || lower === '-nan') return Number.NaN;
  if (lower === 'inf' || lower === 'infinity') return Number.POSITIVE_INFINITY;
  if (lower === '-inf' || lower === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(token);
}

/** Reads the outermost `{...}` in a line; undefined when there is none or it does not parse. */
export function readLiteralObject(line: string): LiteralObject | undefined {
  const open = line.indexOf('{');
  const close = line.lastIndexOf('}');
  if (open < 0 || close < open) return undefined;
  const reader = new Reader(line.slice(open, close + 1));
  try {
    reader.object('');
    reader.skipSpace();
  } catch {
    return undefined;
  }
  if (reader.quote === undefined) return undefined;
  return { quote: reader.quote, numbers: reader.numbers, keys: reader.keys };
}
