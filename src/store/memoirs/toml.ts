/**
 * The part of TOML that project manifests use (Cargo.toml, pyproject.toml): tables, arrays of tables,
 * dotted and quoted keys, strings (basic, literal, multi-line), arrays, inline tables, numbers,
 * booleans; dates are kept as text. Returns null on anything it cannot read (ICM then skips the file).
 */
export type TomlTable = { [k: string]: unknown };

export function parseToml(text: string): TomlTable | null {
  try {
    return new Parser(text).document();
  } catch {
    return null;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(): never {
    throw new Error(`TOML: unexpected input at ${this.i}`);
  }
  private peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }
  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }
  /** Spaces and tabs; with `lines`, also newlines and comments. */
  private ws(lines = false): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || (lines && (c === '\n' || c === '\r'))) this.i++;
      else if (c === '#' && lines) while (this.i < this.s.length && this.peek() !== '\n') this.i++;
      else return;
    }
  }
  private endOfLine(): void {
    this.ws();
    if (this.peek() === '#') while (this.i < this.s.length && this.peek() !== '\n') this.i++;
    if (this.peek() === '\r') this.i++;
    if (this.i < this.s.length && this.peek() !== '\n') this.fail();
  }

  document(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.ws(true);
      if (this.i >= this.s.length) return root;
      if (this.startsWith('[[')) {
        this.i += 2;
        const path = this.keyPath();
        this.ws();
        if (!this.startsWith(']]')) this.fail();
        this.i += 2;
        const parent = table(root, path.slice(0, -1));
        const last = path[path.length - 1];
        const arr = (parent[last] ??= []) as unknown[];
        if (!Array.isArray(arr)) this.fail();
        current = {};
        arr.push(current);
      } else if (this.peek() === '[') {
        this.i++;
        const path = this.keyPath();
        this.ws();
        if (this.peek() !== ']') this.fail();
        this.i++;
        current = table(root, path);
      } else {
        this.keyValue(current);
      }
      this.endOfLine();
    }
  }

  private keyValue(into: TomlTable): void {
    const path = this.keyPath();
    this.ws();
    if (this.peek() !== '=') this.fail();
    this.i++;
    this.ws();
    table(into, path.slice(0, -1))[path[path.length - 1]] = this.value();
  }

  private keyPath(): string[] {
    const out: string[] = [];
    for (;;) {
      this.ws();
      const c = this.peek();
      if (c === '"' || c === "'") out.push(this.string());
      else {
        const m = /^[A-Za-z0-9_-]+/.exec(this.s.slice(this.i, this.i + 256));
        if (!m) this.fail();
        out.push(m[0]);
        this.i += m[0].length;
      }
      this.ws();
      if (this.peek() !== '.') return out;
      this.i++;
    }
  }

  private value(): unknown {
    const c = this.peek();
    if (c === '"' || c === "'") return this.string();
    if (c === '[') {
      this.i++;
      const arr: unknown[] = [];
      for (;;) {
        this.ws(true);
        if (this.peek() === ']') {
          this.i++;
          return arr;
        }
        arr.push(this.value());
        this.ws(true);
        if (this.peek() === ',') this.i++;
        else if (this.peek() !== ']') this.fail();
      }
    }
    if (c === '{') {
      this.i++;
      const t: TomlTable = {};
      this.ws();
      if (this.peek() === '}') {
        this.i++;
        return t;
      }
      for (;;) {
        this.keyValue(t);
        this.ws();
        if (this.peek() === ',') this.i++;
        else if (this.peek() === '}') {
          this.i++;
          return t;
        } else this.fail();
      }
    }
    const m = /^[^\s,\]}#]+/.exec(this.s.slice(this.i, this.i + 256));
    if (!m) this.fail();
    this.i += m[0].length;
    const raw = m[0];
    if (raw === 'true') return true;
    if (raw === 'false') return false;
    const n = Number(raw.replace(/_/g, ''));
    return Number.isFinite(n) && /^[+-]?[0-9]/.test(raw) && !/[-:].*[-:]/.test(raw.slice(1)) ? n : raw;
  }

  private string(): string {
    const q = this.peek();
    const multi = this.startsWith(q.repeat(3));
    this.i += multi ? 3 : 1;
    if (multi && this.peek() === '\n') this.i++;
    else if (multi && this.startsWith('\r\n')) this.i += 2;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail();
      if (multi ? this.startsWith(q.repeat(3)) : this.peek() === q) {
        this.i += multi ? 3 : 1;
        return out;
      }
      const c = this.s[this.i++];
      if (!multi && c === '\n') this.fail();
      if (c === '\\' && q === '"') {
        const e = this.s[this.i++];
        const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '"': '"', '\\': '\\' };
        if (e in simple) out += simple[e];
        else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          out += String.fromCodePoint(parseInt(this.s.slice(this.i, this.i + len), 16));
          this.i += len;
        } else if (multi && (e === '\n' || e === '\r' || e === ' ')) this.ws(true);
        else this.fail();
      } else out += c;
    }
  }
}

function table(root: TomlTable, path: string[]): TomlTable {
  let t = root;
  for (const k of path) {
    let next = t[k];
    if (Array.isArray(next)) next = next[next.length - 1];
    if (next === undefined) next = t[k] = {};
    if (typeof next !== 'object' || next === null) throw new Error(`TOML: ${k} is not a table`);
    t = next as TomlTable;
  }
  return t;
}
